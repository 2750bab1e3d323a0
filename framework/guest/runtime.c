/* The portable part of the faultline guest runtime (see faultline_guest.h). */
#include <stdarg.h>

#include "faultline_guest.h"
#include "fl_arch.h"

/* Preimage oracle channels (the same numbers on every backend). */
enum { kHintRead = 3, kHintWrite = 4, kPreimageRead = 5, kPreimageWrite = 6 };

void fl_exit(int code) {
  fl_syscall(FL_SYS_EXIT_GROUP, code, 0, 0, 0, 0, 0);
  fl_syscall(FL_SYS_EXIT, code, 0, 0, 0, 0, 0);
  for (;;) {
  }
}

long fl_write(int fd, const void* buffer, size_t size) {
  return fl_syscall(FL_SYS_WRITE, fd, (long)buffer, (long)size, 0, 0, 0);
}

long fl_read(int fd, void* buffer, size_t size) {
  return fl_syscall(FL_SYS_READ, fd, (long)buffer, (long)size, 0, 0, 0);
}

static void write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    long done = fl_write(fd, data, size);
    if (done <= 0) return;
    data += done;
    size -= (size_t)done;
  }
}

void fl_puts(const char* text) { write_all(1, text, strlen(text)); }

/* ---- heap ---- */

static uintptr_t heap_next, heap_end;

void* malloc(size_t size) {
  if (heap_next == 0) heap_next = heap_end = (uintptr_t)fl_syscall(FL_SYS_BRK, 0, 0, 0, 0, 0, 0);
  size = (size + 15) & ~(size_t)15;
  if (heap_end - heap_next < size) {
    uintptr_t want = (heap_next + size + 0xffff) & ~(uintptr_t)0xffff;
    uintptr_t got = (uintptr_t)fl_syscall(FL_SYS_BRK, (long)want, 0, 0, 0, 0, 0);
    if (got < want) return NULL;
    heap_end = got;
  }
  void* result = (void*)heap_next;
  heap_next += size;
  return result;
}

void* calloc(size_t count, size_t size) {
  if (size != 0 && count > (size_t)-1 / size) return NULL;
  void* result = malloc(count * size);
  if (result != NULL) memset(result, 0, count * size);
  return result;
}

void free(void* pointer) { (void)pointer; }

/* ---- memory and strings ---- */

void* memcpy(void* destination, const void* source, size_t size) {
  uint8_t* d = destination;
  const uint8_t* s = source;
  while (size--) *d++ = *s++;
  return destination;
}

void* memmove(void* destination, const void* source, size_t size) {
  uint8_t* d = destination;
  const uint8_t* s = source;
  if (d < s) {
    while (size--) *d++ = *s++;
  } else {
    while (size--) d[size] = s[size];
  }
  return destination;
}

void* memset(void* destination, int value, size_t size) {
  uint8_t* d = destination;
  while (size--) *d++ = (uint8_t)value;
  return destination;
}

int memcmp(const void* a, const void* b, size_t size) {
  const uint8_t* x = a;
  const uint8_t* y = b;
  for (size_t i = 0; i < size; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

size_t strlen(const char* text) {
  size_t size = 0;
  while (text[size] != 0) ++size;
  return size;
}

/* ---- printf ---- */

typedef struct {
  char buffer[256];
  size_t used;
  int total;
} Out;

static void out_char(Out* out, char c) {
  if (out->used == sizeof out->buffer) {
    write_all(1, out->buffer, out->used);
    out->used = 0;
  }
  out->buffer[out->used++] = c;
  out->total++;
}

static void out_number(Out* out, unsigned long long value, unsigned base, int negative, int width,
                       char pad) {
  char digits[24];
  int count = 0;
  do {
    digits[count++] = "0123456789abcdef"[value % base];
    value /= base;
  } while (value != 0);
  if (negative) {
    if (pad == '0') out_char(out, '-');
    width--;
  }
  for (int i = count; i < width; ++i) out_char(out, pad);
  if (negative && pad != '0') out_char(out, '-');
  while (count > 0) out_char(out, digits[--count]);
}

int fl_printf(const char* format, ...) {
  Out out = {{0}, 0, 0};
  va_list args;
  va_start(args, format);
  for (const char* p = format; *p != 0; ++p) {
    if (*p != '%') {
      out_char(&out, *p);
      continue;
    }
    ++p;
    char pad = ' ';
    int width = 0;
    if (*p == '0') {
      pad = '0';
      ++p;
    }
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    int longs = 0;
    while (*p == 'l') {
      ++longs;
      ++p;
    }
    if (*p == 'z') {
      longs = 1;
      ++p;
    }
    switch (*p) {
      case 'd':
      case 'i': {
        long long value = longs >= 2 ? va_arg(args, long long) : longs == 1 ? va_arg(args, long) : va_arg(args, int);
        out_number(&out, value < 0 ? 0ull - (unsigned long long)value : (unsigned long long)value, 10, value < 0, width, pad);
        break;
      }
      case 'u':
      case 'x': {
        unsigned long long value = longs >= 2   ? va_arg(args, unsigned long long)
                                   : longs == 1 ? va_arg(args, unsigned long)
                                                : va_arg(args, unsigned int);
        out_number(&out, value, *p == 'x' ? 16 : 10, 0, width, pad);
        break;
      }
      case 'p':
        out_char(&out, '0');
        out_char(&out, 'x');
        out_number(&out, (uintptr_t)va_arg(args, void*), 16, 0, width, pad);
        break;
      case 's': {
        const char* text = va_arg(args, const char*);
        for (int i = (int)strlen(text); i < width; ++i) out_char(&out, ' ');
        while (*text != 0) out_char(&out, *text++);
        break;
      }
      case 'c': out_char(&out, (char)va_arg(args, int)); break;
      case '%': out_char(&out, '%'); break;
      default: out_char(&out, '?'); break;
    }
  }
  va_end(args);
  write_all(1, out.buffer, out.used);
  return out.total;
}

/* ---- preimage oracle ---- */

static int read_exact(int fd, uint8_t* buffer, size_t size) {
  while (size > 0) {
    long done = fl_read(fd, buffer, size);
    if (done <= 0) return 0;
    buffer += done;
    size -= (size_t)done;
  }
  return 1;
}

uint8_t* fl_preimage(const uint8_t key[32], size_t* size) {
  size_t written = 0;
  while (written < 32) {
    long done = fl_write(kPreimageWrite, key + written, 32 - written);
    if (done <= 0) return NULL; /* no oracle: not running in faultline */
    written += (size_t)done;
  }
  uint8_t length_bytes[8];
  if (!read_exact(kPreimageRead, length_bytes, 8)) return NULL;
  uint64_t length = 0;
  for (int i = 0; i < 8; ++i) length = length << 8 | length_bytes[i];
  uint8_t* data = malloc((size_t)length + 1);
  if (data == NULL || !read_exact(kPreimageRead, data, (size_t)length)) return NULL;
  *size = (size_t)length;
  return data;
}

uint8_t* fl_input(size_t* size) {
  uint8_t local_key[32] = {0};
  local_key[0] = 1; /* local key type */
  local_key[31] = 1; /* slot 1: the key of the program's input */
  size_t key_size = 0;
  uint8_t* input_key = fl_preimage(local_key, &key_size);
  if (input_key != NULL && key_size == 32) return fl_preimage(input_key, size);
  /* Outside faultline: the whole of stdin. */
  size_t capacity = 1 << 16, used = 0;
  uint8_t* data = malloc(capacity);
  for (;;) {
    if (used == capacity) {
      uint8_t* bigger = malloc(capacity * 2);
      if (bigger == NULL) break;
      memcpy(bigger, data, used);
      data = bigger;
      capacity *= 2;
    }
    long done = fl_read(0, data + used, capacity - used);
    if (done <= 0) break;
    used += (size_t)done;
  }
  *size = used;
  return data;
}
