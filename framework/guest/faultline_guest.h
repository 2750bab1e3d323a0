/* faultline guest runtime: what a program running inside a faultline VM may call.
 *
 * Portable C for every VM backend; each backend's guest SDK supplies the start-up code, the
 * raw system call and the Linux system call numbers of its architecture (fl_arch.h), so the
 * same ELF also runs under qemu-user. */
#ifndef FAULTLINE_GUEST_H
#define FAULTLINE_GUEST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Ends the program; `code & 0xff` is the exit status a parent sees. */
void fl_exit(int code) __attribute__((noreturn));

/* write(2) and read(2); negative results are -errno. */
long fl_write(int fd, const void* buffer, size_t size);
long fl_read(int fd, void* buffer, size_t size);

/* Writes a NUL-terminated string to stdout. */
void fl_puts(const char* text);

/* printf to stdout for %d %i %u %x %s %c %p and %%, with l/ll/z length modifiers and a width
 * with optional 0 padding. Returns the number of bytes written. */
int fl_printf(const char* format, ...) __attribute__((format(printf, 1, 2)));

/* The program's input: the preimage whose key is in local slot 1 of the preimage oracle.
 * Outside faultline (under qemu-user, where the oracle channels are closed) the input is read
 * from stdin instead. Returns a heap buffer and stores its length in *size. */
uint8_t* fl_input(size_t* size);

/* The preimage of a 32-byte key, read through the oracle channels into a heap buffer;
 * NULL if the channels are closed. */
uint8_t* fl_preimage(const uint8_t key[32], size_t* size);

/* A heap over brk(2); free() is a no-op (guest programs are short-lived). */
void* malloc(size_t size);
void* calloc(size_t count, size_t size);
void free(void* pointer);

/* What compilers may call even in freestanding code. */
void* memcpy(void* destination, const void* source, size_t size);
void* memmove(void* destination, const void* source, size_t size);
void* memset(void* destination, int value, size_t size);
int memcmp(const void* a, const void* b, size_t size);
size_t strlen(const char* text);

#ifdef __cplusplus
}
#endif

#endif /* FAULTLINE_GUEST_H */
