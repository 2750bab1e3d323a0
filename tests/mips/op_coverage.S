// Hand-written MIPS program that executes every instruction of backends/mips/src/isa.def valid
// for its profile (MIPS32r2 o32, or MIPS64r2 n64 when built with -march=mips64r2 -mabi=64),
// except `break`, with edge-case operands. Results are stored as they are computed into an
// output area after a scratch buffer; at the end both are written to stdout with one write
// syscall and the program exits with 0. The output must match qemu-mips/qemu-mips64 byte for
// byte. Only defined behaviour is relied on (plus division by zero and INT_MIN / -1, where
// faultline follows qemu: the divisor becomes 1). No instruction traps: add/addi/sub/dadd/
// daddi/dsub never overflow and the trap instructions are given non-trapping operands.
//
// $16 holds the scratch buffer's address for the whole program; OUT(r) stores register r at
// the next slot of the output area (one store: usable in delay slots).
//
// Build (see tests/mips/random_program_test.cpp for the same flags):
//   clang --target=mips-linux-gnu -march=mips32r2 -mabi=32 -msoft-float -fno-pic -mno-abicalls
//     -G0 -nostdlib -static -fuse-ld=lld -Wl,--no-rosegment -z max-page-size=4096 -o x.elf op_coverage.S
//   clang --target=mips64-linux-gnuabi64 -march=mips64r2 -mabi=64 ... (same flags)

#ifdef __mips64
#define SR sd
#define LR ld
#define W 8
#define LA dla
#define SYS_WRITE 5001
#define SYS_EXIT 5058
#else
#define SR sw
#define LR lw
#define W 4
#define LA la
#define SYS_WRITE 4004
#define SYS_EXIT 4001
#endif

#define SCRATCH 256  // bytes of scratch buffer before the output area
#define OUT(r) SR r, (SCRATCH + W * __COUNTER__)($16)

        .set noreorder
        .text
        .globl __start
__start:
        LA      $16, scratch

// ---- Every register used later gets a known value first (qemu and faultline start with
// different sp, ra, ...).
        addiu   $2, $0, 0x202
        addiu   $3, $0, 0x303
        addiu   $4, $0, 0x404
        addiu   $5, $0, 0x505
        addiu   $6, $0, 0x606
        addiu   $7, $0, 0x707
        addiu   $8, $0, 0x808
        addiu   $9, $0, 0x909
        addiu   $10, $0, 0xa0a
        addiu   $11, $0, 0xb0b
        addiu   $12, $0, 0xc0c
        addiu   $13, $0, 0xd0d
        addiu   $14, $0, 0xe0e
        addiu   $15, $0, 0xf0f
        addiu   $17, $0, 0x1111
        addiu   $18, $0, 0x1212
        addiu   $19, $0, 0x1313
        addiu   $20, $0, 0x1414
        addiu   $21, $0, 0x1515
        addiu   $22, $0, 0x1616
        addiu   $23, $0, 0x1717
        addiu   $24, $0, 0x1818
        addiu   $25, $0, 0x1919
        addiu   $28, $0, 0x1c1c
        addiu   $30, $0, 0x1e1e
        addiu   $31, $0, 0x1f1f
        mthi    $0
        mtlo    $0

// ---- Immediates: lui (sign-extends on MIPS64), ori/andi/xori (zero-extended immediates),
// addiu (sign-extended, wraps), addi (no overflow).
        lui     $2, 0x8000              // INT32_MIN
        OUT($2)
        ori     $3, $0, 0xffff          // 0x0000ffff: ori zero-extends
        OUT($3)
        addiu   $4, $0, -1              // -1
        OUT($4)
        lui     $5, 0x7fff
        ori     $5, $5, 0xffff          // INT32_MAX
        OUT($5)
        addiu   $6, $5, 1               // INT32_MAX + 1 wraps to INT32_MIN, no trap
        OUT($6)
        addiu   $7, $2, -1              // INT32_MIN - 1 wraps to INT32_MAX
        OUT($7)
        xori    $8, $4, 0x8000          // 0xffff7fff
        OUT($8)
        andi    $9, $4, 0x8001          // 0x00008001
        OUT($9)
        lui     $10, 0xffff             // 0xffff0000
        OUT($10)
        ori     $11, $2, 0              // copy via ori 0
        OUT($11)
        xori    $12, $3, 0xffff         // 0
        OUT($12)
        andi    $13, $2, 0xffff         // 0
        OUT($13)
        addi    $14, $5, -32768         // INT32_MAX - 32768
        OUT($14)
        addi    $15, $2, 32767          // INT32_MIN + 32767
        OUT($15)
        addi    $17, $4, 1              // -1 + 1 = 0
        OUT($17)
        addi    $18, $0, -32768         // -32768
        OUT($18)
        lui     $19, 0x1234
        ori     $19, $19, 0x5678        // 0x12345678, a pattern used below
        OUT($19)

// ---- Register ALU: add/sub (no overflow), addu/subu (wrap), logic, compares.
        add     $20, $2, $5             // INT32_MIN + INT32_MAX = -1
        OUT($20)
        add     $21, $2, $0             // INT32_MIN + 0
        OUT($21)
        sub     $22, $2, $4             // INT32_MIN - (-1) = INT32_MIN + 1
        OUT($22)
        sub     $23, $0, $5             // -INT32_MAX
        OUT($23)
        sub     $24, $5, $5             // 0
        OUT($24)
        addu    $25, $5, $5             // wraps to 0xfffffffe
        OUT($25)
        addu    $28, $2, $2             // wraps to 0
        OUT($28)
        subu    $30, $2, $3             // INT32_MIN - 0xffff wraps
        OUT($30)
        subu    $31, $0, $2             // -INT32_MIN = INT32_MIN
        OUT($31)
        and     $8, $4, $2              // INT32_MIN
        OUT($8)
        and     $9, $3, $10             // 0
        OUT($9)
        or      $11, $3, $10            // -1
        OUT($11)
        or      $12, $0, $0             // 0
        OUT($12)
        xor     $13, $4, $2             // INT32_MAX
        OUT($13)
        xor     $14, $19, $19           // 0
        OUT($14)
        nor     $15, $0, $0             // -1
        OUT($15)
        nor     $17, $2, $3             // 0x7fff0000
        OUT($17)
        nor     $18, $4, $19            // 0
        OUT($18)
        slt     $20, $2, $5             // INT32_MIN < INT32_MAX signed: 1
        OUT($20)
        slt     $21, $5, $2             // 0
        OUT($21)
        sltu    $22, $2, $5             // unsigned: 0
        OUT($22)
        sltu    $23, $5, $2             // 1
        OUT($23)
        slt     $24, $4, $0             // -1 < 0: 1
        OUT($24)
        sltu    $25, $4, $0             // 0
        OUT($25)
        sltu    $28, $0, $4             // 1
        OUT($28)
        slt     $30, $4, $4             // equal: 0
        OUT($30)
        slti    $8, $2, 0               // 1
        OUT($8)
        slti    $9, $4, -1              // equal: 0
        OUT($9)
        slti    $11, $0, -32768         // 0
        OUT($11)
        slti    $12, $5, 32767          // 0
        OUT($12)
        sltiu   $13, $3, -1             // 0xffff < sign-extended -1 (max unsigned): 1
        OUT($13)
        sltiu   $14, $4, -1             // equal: 0
        OUT($14)
        sltiu   $15, $0, 1              // 1
        OUT($15)
        sltiu   $17, $3, 0x7fff         // 0
        OUT($17)

// ---- movz/movn, taken and not.
        addiu   $18, $0, 111
        movz    $18, $2, $0             // rt = 0: moves INT32_MIN
        OUT($18)
        addiu   $20, $0, 222
        movz    $20, $2, $4             // rt = -1: no move
        OUT($20)
        addiu   $21, $0, 333
        movn    $21, $4, $2             // rt != 0: moves -1
        OUT($21)
        addiu   $22, $0, 444
        movn    $22, $4, $0             // rt = 0: no move
        OUT($22)
        movz    $23, $0, $0             // moves 0
        OUT($23)

// ---- Shifts and rotates, by 0, 31 and in between; variable amounts use the low 5 bits.
        sll     $8, $19, 0              // identity
        OUT($8)
        sll     $9, $19, 31             // 0
        OUT($9)
        sll     $11, $4, 31             // INT32_MIN
        OUT($11)
        sll     $12, $19, 4             // 0x23456780
        OUT($12)
        sll     $13, $5, 1              // 0xfffffffe (sign bit set)
        OUT($13)
        srl     $14, $2, 31             // 1
        OUT($14)
        srl     $15, $4, 0              // -1
        OUT($15)
        srl     $17, $4, 1              // INT32_MAX: zero fill
        OUT($17)
        srl     $18, $19, 4             // 0x01234567
        OUT($18)
        sra     $20, $2, 31             // -1: sign fill
        OUT($20)
        sra     $21, $2, 0              // INT32_MIN
        OUT($21)
        sra     $22, $5, 31             // 0
        OUT($22)
        sra     $23, $2, 4              // 0xf8000000
        OUT($23)
        rotr    $24, $19, 0             // identity
        OUT($24)
        rotr    $25, $19, 4             // 0x81234567 (negative)
        OUT($25)
        rotr    $28, $19, 31            // 0x2468acf0
        OUT($28)
        rotr    $30, $2, 31             // 1
        OUT($30)
        addiu   $6, $0, 33              // amount 33 -> 1
        addiu   $7, $0, 32              // amount 32 -> 0
        addiu   $10, $0, 31
        addiu   $31, $0, -1             // amount -1 -> 31
        sllv    $8, $19, $6             // << 1
        OUT($8)
        sllv    $9, $19, $7             // << 0
        OUT($9)
        sllv    $11, $4, $31            // << 31: INT32_MIN
        OUT($11)
        sllv    $12, $19, $0            // << 0
        OUT($12)
        srlv    $13, $2, $10            // 1
        OUT($13)
        srlv    $14, $4, $6             // INT32_MAX
        OUT($14)
        srlv    $15, $4, $7             // -1
        OUT($15)
        srlv    $17, $19, $31           // 0
        OUT($17)
        srav    $18, $2, $10            // -1
        OUT($18)
        srav    $20, $2, $6             // 0xc0000000
        OUT($20)
        srav    $21, $5, $31            // 0
        OUT($21)
        srav    $22, $19, $7            // identity
        OUT($22)
        rotrv   $23, $19, $6            // rotate 1: 0x091a2b3c
        OUT($23)
        rotrv   $24, $19, $7            // rotate 0
        OUT($24)
        rotrv   $25, $19, $31           // rotate 31
        OUT($25)
        rotrv   $28, $4, $10            // -1
        OUT($28)

// ---- HI/LO: mult/multu/mul, div/divu (defined cases, then INT32_MIN / -1 and x / 0, which
// faultline and qemu both treat as division by 1), mthi/mtlo, madd/maddu/msub/msubu.
        mult    $2, $2                  // INT32_MIN^2: HI 0x40000000, LO 0
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        mult    $4, $5                  // -INT32_MAX: HI -1, LO 0x80000001
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        multu   $4, $4                  // 0xffffffff^2: HI 0xfffffffe, LO 1
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        multu   $2, $0                  // 0
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        mult    $19, $19                // positive, HI and LO both mixed
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        mul     $11, $5, $19            // low 32 bits only
        OUT($11)
        mul     $12, $4, $2             // -1 * INT32_MIN = INT32_MIN (low 32 bits)
        OUT($12)
        mul     $13, $0, $19            // 0
        OUT($13)
        addiu   $6, $0, 7
        addiu   $7, $0, -2
        addiu   $10, $0, -7
        addiu   $31, $0, 2
        div     $0, $6, $7              // 7 / -2: LO -3, HI 1
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        div     $0, $10, $31            // -7 / 2: LO -3, HI -1
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        div     $0, $2, $5              // INT32_MIN / INT32_MAX: LO -1, HI -1
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        divu    $0, $4, $31             // 0xffffffff / 2: LO INT32_MAX, HI 1
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        divu    $0, $2, $4              // 0x80000000 / 0xffffffff: LO 0, HI 0x80000000
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        divu    $0, $19, $3             // 0x12345678 / 0xffff
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        div     $0, $2, $4              // INT32_MIN / -1 (implementation-defined): LO INT32_MIN, HI 0
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        div     $0, $19, $0             // x / 0 (UNPREDICTABLE in the spec; qemu: LO x, HI 0)
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        mthi    $19                     // mthi/mtlo round trip
        mtlo    $2
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        addiu   $6, $0, 1
        mthi    $5                      // acc = 0x7fffffff_ffffffff
        mtlo    $4
        madd    $6, $6                  // + 1: carries into HI: HI INT32_MIN, LO 0
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        maddu   $4, $4                  // + 0xfffffffe_00000001 (unsigned product)
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        madd    $4, $5                  // + (-INT32_MAX) (signed product)
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        msub    $4, $5                  // - (-INT32_MAX)
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        msubu   $4, $6                  // - 0xffffffff (unsigned)
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        mthi    $0
        mtlo    $0
        msub    $6, $6                  // 0 - 1: HI -1, LO -1 (borrow)
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        msubu   $4, $4                  // -1 - 0xfffffffe_00000001
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        maddu   $2, $0                  // + 0: unchanged
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)

// ---- clz/clo on 0, all-ones, 1, INT32_MIN, INT32_MAX, -2.
        addiu   $7, $0, -2
        clz     $11, $0                 // 32
        OUT($11)
        clz     $12, $4                 // 0
        OUT($12)
        clz     $13, $6                 // 31
        OUT($13)
        clz     $14, $5                 // 1
        OUT($14)
        clz     $15, $2                 // 0
        OUT($15)
        clo     $17, $4                 // 32
        OUT($17)
        clo     $18, $0                 // 0
        OUT($18)
        clo     $20, $2                 // 1
        OUT($20)
        clo     $21, $7                 // 31
        OUT($21)
        clo     $22, $5                 // 0
        OUT($22)

// ---- ext/ins at the edges (whole word, bit 31, bit 0, middle), wsbh, seb, seh.
        ext     $8, $19, 0, 32          // whole word
        OUT($8)
        ext     $9, $4, 0, 32           // -1 (sign-extended on MIPS64)
        OUT($9)
        ext     $11, $2, 31, 1          // 1
        OUT($11)
        ext     $12, $19, 4, 8          // 0x67
        OUT($12)
        ext     $13, $19, 0, 1          // 0
        OUT($13)
        ext     $14, $4, 1, 31          // INT32_MAX
        OUT($14)
        ext     $15, $19, 28, 4         // 1
        OUT($15)
        or      $17, $19, $0
        ins     $17, $4, 0, 32          // whole word: -1
        OUT($17)
        or      $18, $0, $0
        ins     $18, $4, 31, 1          // INT32_MIN
        OUT($18)
        or      $20, $19, $0
        ins     $20, $0, 8, 16          // 0x12000078
        OUT($20)
        or      $21, $4, $0
        ins     $21, $0, 0, 1           // 0xfffffffe
        OUT($21)
        or      $22, $0, $0
        ins     $22, $19, 4, 28         // 0x23456780
        OUT($22)
        or      $23, $2, $0
        ins     $23, $4, 0, 31          // -1
        OUT($23)
        wsbh    $24, $19                // 0x34127856
        OUT($24)
        lui     $25, 0x00ff
        ori     $25, $25, 0x8000
        wsbh    $25, $25                // 0xff000080 (sign-extended on MIPS64)
        OUT($25)
        wsbh    $28, $4                 // -1
        OUT($28)
        addiu   $30, $0, 0x80
        seb     $30, $30                // -128
        OUT($30)
        seb     $8, $19                 // 0x78
        OUT($8)
        seb     $9, $10                 // low byte 0xf9: -7
        OUT($9)
        ori     $11, $0, 0x8000
        seh     $11, $11                // -32768
        OUT($11)
        seh     $12, $19                // 0x5678
        OUT($12)
        seh     $13, $3                 // -1
        OUT($13)

// ---- rdhwr $29 (thread pointer: differs between qemu and faultline, so overwritten), sync,
// synci, pref (no-ops).
        rdhwr   $14, $29
        or      $14, $0, $0
        sync
        synci   0($16)
        pref    0, 0($16)
        pref    1, 32($16)
        OUT($14)

// ---- Loads: sign- vs zero-extension (the scratch buffer starts 80 01 ff 7f 12 34 56 78 ...).
        lb      $8, 0($16)              // 0x80 -> -128
        OUT($8)
        lbu     $9, 0($16)              // 0x80 -> 128
        OUT($9)
        lb      $11, 3($16)             // 0x7f
        OUT($11)
        lbu     $12, 2($16)             // 0xff -> 255
        OUT($12)
        lb      $13, 2($16)             // -1
        OUT($13)
        lh      $14, 0($16)             // 0x8001 -> negative
        OUT($14)
        lhu     $15, 0($16)             // 0x8001
        OUT($15)
        lh      $17, 2($16)             // 0xff7f -> negative
        OUT($17)
        lhu     $18, 6($16)             // 0x5678
        OUT($18)
        lw      $20, 0($16)             // 0x8001ff7f (sign-extended on MIPS64)
        OUT($20)
        lw      $21, 4($16)             // 0x12345678
        OUT($21)

// ---- Stores at 64.. of the scratch buffer, read back.
        sb      $4, 64($16)             // 0xff
        sb      $19, 65($16)            // 0x78 (low byte)
        sh      $19, 66($16)            // 0x5678
        sw      $2, 68($16)             // 0x80000000
        sh      $4, 72($16)
        sb      $0, 73($16)
        sw      $0, 76($16)
        sw      $19, 76($16)            // overwrite
        lw      $22, 64($16)            // 0xff785678
        OUT($22)
        lhu     $23, 72($16)            // 0xff00
        OUT($23)
        lb      $24, 66($16)            // 0x56
        OUT($24)

// ---- lwl/lwr/swl/swr: unaligned word loads at every offset, partial merges, unaligned
// stores (bytes 8.. are 9a bc de f0 11 22 33 44 ...).
        lwl     $25, 1($16)             // bytes 1..4 = 01 ff 7f 12
        lwr     $25, 4($16)
        OUT($25)
        lwl     $28, 2($16)             // bytes 2..5
        lwr     $28, 5($16)
        OUT($28)
        lwl     $30, 3($16)             // bytes 3..6
        lwr     $30, 6($16)
        OUT($30)
        lwl     $8, 8($16)              // aligned: whole word 0x9abcdef0
        lwr     $8, 11($16)
        OUT($8)
        or      $9, $19, $0
        lwl     $9, 10($16)             // bytes 10,11 into the high half: 0xdef05678
        OUT($9)
        or      $11, $19, $0
        lwr     $11, 9($16)             // bytes 8,9 into the low half: 0x12349abc
        OUT($11)
        or      $12, $19, $0
        lwl     $12, 11($16)            // one byte: 0xf0345678
        OUT($12)
        or      $13, $19, $0
        lwr     $13, 8($16)             // one byte: 0x1234569a
        OUT($13)
        or      $14, $4, $0
        lwr     $14, 10($16)            // three bytes, high byte of -1 kept: 0xff9abcde
        OUT($14)
        swl     $19, 81($16)            // store 0x12345678 at 81..84
        swr     $19, 84($16)
        swl     $2, 91($16)             // one byte (0x80) at 91
        swr     $4, 92($16)             // one byte (0xff) at 92
        swl     $19, 97($16)            // three bytes 12 34 56 at 97..99
        swr     $19, 102($16)           // three bytes 34 56 78 at 100..102
        swl     $5, 104($16)            // aligned: whole word
        swr     $2, 111($16)            // aligned: whole word
        lw      $15, 80($16)
        OUT($15)
        lw      $17, 84($16)
        OUT($17)

// ---- ll/sc: success, a second sc without ll fails, sc to another address fails.
        ll      $18, 112($16)           // 0x5a5a5a5a
        OUT($18)
        addiu   $20, $18, 1
        sc      $20, 112($16)           // succeeds: $20 = 1
        OUT($20)
        addiu   $21, $0, 77
        sc      $21, 112($16)           // no reservation any more: $21 = 0, memory unchanged
        OUT($21)
        ll      $22, 116($16)
        addiu   $23, $0, 99
        sc      $23, 120($16)           // other address: $23 = 0
        OUT($23)
        lw      $24, 112($16)           // 0x5a5a5a5b
        OUT($24)

// ---- Traps with operands that do not trap.
        addiu   $6, $0, 1
        addiu   $7, $0, -2
        teq     $2, $5                  // INT32_MIN != INT32_MAX
        tne     $4, $4                  // equal
        tge     $2, $5                  // signed INT32_MIN < INT32_MAX
        tgeu    $5, $2                  // unsigned INT32_MAX < 0x80000000
        tlt     $5, $2                  // signed INT32_MAX >= INT32_MIN
        tltu    $2, $5                  // unsigned 0x80000000 >= INT32_MAX
        tlt     $4, $4                  // equal: not less
        teqi    $0, 1
        teqi    $4, 0                   // -1 != 0
        tnei    $4, -1                  // imm sign-extended: equal
        tgei    $7, -1                  // -2 < -1
        tgeiu   $3, -1                  // 0xffff < sign-extended imm 0xffffffff
        tlti    $0, -1                  // 0 >= -1 (would trap if the imm were zero-extended)
        tltiu   $4, -1                  // equal: not less
        tltiu   $6, 0                   // 1 >= 0
        addiu   $25, $0, 0x7ea          // reached past the traps
        OUT($25)

// ---- Branches. $9 accumulates a bit per path taken; delay slots do real work that is dumped.
        or      $9, $0, $0
        addiu   $10, $0, 0
        // beq taken; delay slot runs
        beq     $2, $11, 1f             // $11 (0x12349abc) != $2: not taken
        addiu   $10, $10, 1             // delay slot (runs)
        ori     $9, $9, 0x1             // fall-through path
1:      beq     $4, $4, 2f              // taken
        addiu   $10, $10, 2             // delay slot (runs)
        ori     $9, $9, 0x2             // skipped
2:      bne     $4, $4, 3f              // not taken
        sll     $12, $10, 4             // delay slot
        ori     $9, $9, 0x4
3:      bne     $2, $5, 4f              // taken
        sll     $13, $10, 8             // delay slot
        ori     $9, $9, 0x8             // skipped
4:      OUT($12)
        OUT($13)
        blez    $0, 5f                  // 0 <= 0: taken
        addiu   $10, $10, 4
        ori     $9, $9, 0x10
5:      blez    $6, 6f                  // 1: not taken
        addiu   $10, $10, 8
        ori     $9, $9, 0x20
6:      blez    $2, 7f                  // INT32_MIN: taken
        addiu   $10, $10, 16
        ori     $9, $9, 0x40
7:      bgtz    $0, 8f                  // not taken
        addiu   $10, $10, 32
        ori     $9, $9, 0x80
8:      bgtz    $5, 9f                  // INT32_MAX: taken
        addiu   $10, $10, 64
        ori     $9, $9, 0x100
9:      bltz    $0, 10f                 // not taken
        addiu   $10, $10, 128
        ori     $9, $9, 0x200
10:     bltz    $2, 11f                 // taken
        addiu   $10, $10, 256
        ori     $9, $9, 0x400
11:     bgez    $0, 12f                 // 0 >= 0: taken
        addiu   $10, $10, 512
        ori     $9, $9, 0x800
12:     bgez    $4, 13f                 // -1: not taken
        addiu   $10, $10, 1024
        ori     $9, $9, 0x1000
13:     OUT($9)
        OUT($10)

// ---- Branch-likely: each taken (delay slot runs) and not taken (delay slot annulled).
        or      $9, $0, $0
        addiu   $11, $0, 0
        beql    $4, $4, 20f             // taken
        addiu   $11, $11, 1             // runs
        ori     $9, $9, 0x1             // skipped
20:     beql    $4, $0, 21f             // not taken
        addiu   $11, $11, 2             // annulled
        ori     $9, $9, 0x2             // runs
21:     bnel    $4, $0, 22f             // taken
        addiu   $11, $11, 4
        ori     $9, $9, 0x4
22:     bnel    $4, $4, 23f             // not taken
        addiu   $11, $11, 8             // annulled
        ori     $9, $9, 0x8
23:     blezl   $2, 24f                 // taken
        addiu   $11, $11, 16
        ori     $9, $9, 0x10
24:     blezl   $6, 25f                 // not taken
        addiu   $11, $11, 32            // annulled
        ori     $9, $9, 0x20
25:     bgtzl   $6, 26f                 // taken
        addiu   $11, $11, 64
        ori     $9, $9, 0x40
26:     bgtzl   $0, 27f                 // not taken
        addiu   $11, $11, 128           // annulled
        ori     $9, $9, 0x80
27:     bltzl   $4, 28f                 // taken
        addiu   $11, $11, 256
        ori     $9, $9, 0x100
28:     bltzl   $0, 29f                 // not taken
        addiu   $11, $11, 512           // annulled
        ori     $9, $9, 0x200
29:     bgezl   $0, 30f                 // taken
        addiu   $11, $11, 1024
        ori     $9, $9, 0x400
30:     bgezl   $2, 31f                 // not taken
        addiu   $11, $11, 2048          // annulled
        ori     $9, $9, 0x800
31:     OUT($9)
        OUT($11)

// ---- Linking branches (link $31 = branch + 8, taken or not); $31 is dumped raw (the
// addresses are fixed by the link) and relative to a label.
        or      $9, $0, $0
        addiu   $12, $0, 0
        bltzal  $2, 40f                 // taken
        addiu   $12, $12, 1
        ori     $9, $9, 0x1
40:     OUT($31)
        bltzal  $6, 41f                 // not taken, still links
        addiu   $12, $12, 2
41:     OUT($31)
        ori     $9, $9, 0x2
        bgezal  $6, 42f                 // 1 >= 0: taken
        addiu   $12, $12, 4
        ori     $9, $9, 0x4
42:     OUT($31)
        bgezal  $2, 43f                 // not taken
        addiu   $12, $12, 8
43:     OUT($31)
        ori     $9, $9, 0x8
        bltzall $4, 44f                 // taken
        addiu   $12, $12, 16
        ori     $9, $9, 0x10
44:     OUT($31)
        bltzall $0, 45f                 // not taken: delay slot annulled
        addiu   $12, $12, 32
45:     OUT($31)
        ori     $9, $9, 0x20
        bgezall $6, 46f                 // taken
        addiu   $12, $12, 64
        ori     $9, $9, 0x40
46:     OUT($31)
        bgezall $4, 47f                 // not taken: delay slot annulled
        addiu   $12, $12, 128
47:     OUT($31)
        LA      $13, 47b
        subu    $13, $31, $13           // link - label 47 = 0 (the link points just past the slot)
        OUT($13)
        OUT($9)
        OUT($12)

// ---- Jumps: j, jal, jr, jalr (into $31 and into another register), a backward loop.
        addiu   $14, $0, 0
        j       50f
        addiu   $14, $14, 1             // delay slot runs
        addiu   $14, $14, 2             // skipped
50:     jal     sub1
        addiu   $14, $14, 4             // delay slot runs
        OUT($14)                        // sub1 added 0x100
        LA      $25, sub1
        jalr    $25                     // link in $31
        addiu   $14, $14, 8
        OUT($14)
        LA      $24, sub2
        jalr    $15, $24                // link in $15; sub2 returns through $15
        addiu   $14, $14, 16
53:     OUT($14)
        LA      $18, 53b
        subu    $18, $15, $18           // sub2's link relative to label 53: 0
        OUT($18)
        LA      $17, 51f
        jr      $17
        addiu   $14, $14, 32            // delay slot runs
        addiu   $14, $14, 64            // skipped
51:     OUT($14)
        addiu   $20, $0, 5              // backward loop: 5 iterations
        addiu   $21, $0, 0
52:     addiu   $20, $20, -1
        bne     $20, $0, 52b
        addiu   $21, $21, 3             // delay slot, runs every iteration: 15
        OUT($20)
        OUT($21)

#ifdef __mips64
// ================= MIPS64 only =================
// ---- 64-bit constants and daddiu/daddi/dadd/daddu/dsub/dsubu.
        dli     $2, 0x8000000000000000  // INT64_MIN
        OUT($2)
        dli     $5, 0x7fffffffffffffff  // INT64_MAX
        OUT($5)
        dli     $19, 0x0123456789abcdef
        OUT($19)
        dli     $3, 0x00000000ffffffff  // not a sign-extended word
        OUT($3)
        dli     $6, 0x0000000100000000
        OUT($6)
        addiu   $4, $0, -1
        daddiu  $8, $5, 1               // wraps to INT64_MIN
        OUT($8)
        daddiu  $9, $3, 1               // 0x100000000: no 32-bit sign extension
        OUT($9)
        daddiu  $11, $0, -32768
        OUT($11)
        daddi   $12, $5, -32768         // no overflow
        OUT($12)
        daddi   $13, $2, 32767
        OUT($13)
        daddi   $14, $3, 1              // 0x100000000 (no 32-bit overflow check)
        OUT($14)
        dadd    $15, $2, $5             // -1
        OUT($15)
        dadd    $17, $3, $3             // 0x1fffffffe
        OUT($17)
        daddu   $18, $5, $5             // wraps
        OUT($18)
        daddu   $20, $19, $4
        OUT($20)
        dsub    $21, $2, $4             // INT64_MIN + 1
        OUT($21)
        dsub    $22, $0, $5             // -INT64_MAX
        OUT($22)
        dsubu   $23, $2, $6             // wraps
        OUT($23)
        dsubu   $24, $0, $2             // INT64_MIN
        OUT($24)
        // 64-bit logic and compares (full width)
        and     $25, $19, $3            // 0x89abcdef, upper half cleared
        OUT($25)
        or      $28, $2, $3
        OUT($28)
        xor     $30, $19, $4
        OUT($30)
        nor     $8, $19, $2
        OUT($8)
        slt     $9, $2, $6              // 1
        OUT($9)
        sltu    $11, $6, $3             // 0x100000000 < 0xffffffff: 0
        OUT($11)
        sltiu   $12, $3, -1             // 1
        OUT($12)
        slti    $13, $6, 1              // 0
        OUT($13)
        movn    $14, $6, $6             // rt differs from 0 only in the upper half: moves
        OUT($14)
        addiu   $15, $0, 5
        movz    $15, $0, $6             // not moved
        OUT($15)
        ori     $17, $6, 0x1234         // ori on a 64-bit value: 0x100001234
        OUT($17)
        xori    $18, $19, 0xffff
        OUT($18)
        andi    $20, $4, 0xffff         // 0xffff
        OUT($20)

// ---- 64-bit shifts by 0, 31, 32, 63 and in between.
        dsll    $8, $19, 0
        OUT($8)
        dsll    $9, $19, 31
        OUT($9)
        dsll    $11, $4, 4
        OUT($11)
        dsrl    $12, $2, 31
        OUT($12)
        dsrl    $13, $4, 1              // INT64_MAX
        OUT($13)
        dsra    $14, $2, 31
        OUT($14)
        dsra    $15, $19, 4
        OUT($15)
        drotr   $17, $19, 0
        OUT($17)
        drotr   $18, $19, 4
        OUT($18)
        drotr   $20, $19, 31
        OUT($20)
        dsll32  $21, $19, 0             // << 32
        OUT($21)
        dsll32  $22, $6, 31             // << 63 of bit 32: 0
        OUT($22)
        dsll32  $23, $4, 31             // INT64_MIN
        OUT($23)
        dsrl32  $24, $2, 31             // 1
        OUT($24)
        dsrl32  $25, $19, 0             // high word, zero-extended
        OUT($25)
        dsra32  $28, $2, 31             // -1
        OUT($28)
        dsra32  $30, $2, 0              // 0xffffffff80000000
        OUT($30)
        dsra32  $8, $5, 31              // 0
        OUT($8)
        drotr32 $9, $19, 0              // swap halves
        OUT($9)
        drotr32 $11, $19, 31            // rotate 63
        OUT($11)
        addiu   $6, $0, 65              // amount 65 -> 1
        addiu   $7, $0, 64              // amount 64 -> 0
        addiu   $10, $0, 63
        addiu   $31, $0, 32
        dsllv   $12, $19, $6
        OUT($12)
        dsllv   $13, $19, $7
        OUT($13)
        dsllv   $14, $4, $10            // INT64_MIN
        OUT($14)
        dsllv   $15, $19, $31
        OUT($15)
        dsrlv   $17, $2, $10            // 1
        OUT($17)
        dsrlv   $18, $4, $6             // INT64_MAX
        OUT($18)
        dsrlv   $20, $19, $31
        OUT($20)
        dsrlv   $21, $19, $7            // identity
        OUT($21)
        dsrav   $22, $2, $10            // -1
        OUT($22)
        dsrav   $23, $2, $31
        OUT($23)
        dsrav   $24, $5, $10            // 0
        OUT($24)
        dsrav   $25, $19, $4            // amount -1 -> 63: 0
        OUT($25)
        drotrv  $28, $19, $6
        OUT($28)
        drotrv  $30, $19, $7
        OUT($30)
        drotrv  $8, $19, $31
        OUT($8)
        drotrv  $9, $2, $10             // 1
        OUT($9)

// ---- dmult/dmultu/ddiv/ddivu.
        dmult   $2, $2                  // INT64_MIN^2: HI 0x4000000000000000, LO 0
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        dmult   $4, $5                  // -INT64_MAX: HI -1, LO INT64_MIN + 1
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        dmult   $19, $19
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        dmultu  $4, $4                  // HI 0xfffffffffffffffe, LO 1
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        dmultu  $19, $3
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        addiu   $6, $0, 7
        addiu   $7, $0, -2
        ddiv    $0, $2, $7              // INT64_MIN / -2
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        ddiv    $0, $19, $7
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        ddiv    $0, $7, $6              // -2 / 7: LO 0, HI -2
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        ddivu   $0, $4, $6              // 0xffffffffffffffff / 7
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        ddivu   $0, $2, $3
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        ddiv    $0, $2, $4              // INT64_MIN / -1 (implementation-defined): LO INT64_MIN, HI 0
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        ddivu   $0, $19, $0             // x / 0 (UNPREDICTABLE; qemu: LO x, HI 0)
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        mthi    $19                     // 64-bit mthi/mtlo round trip
        mtlo    $3
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)

// ---- dclz/dclo, dext/dextm/dextu, dins/dinsm/dinsu, dsbh/dshd.
        dclz    $11, $0                 // 64
        OUT($11)
        dclz    $12, $4                 // 0
        OUT($12)
        dclz    $13, $3                 // 32
        OUT($13)
        dclz    $14, $5                 // 1
        OUT($14)
        dclo    $15, $4                 // 64
        OUT($15)
        dclo    $17, $0                 // 0
        OUT($17)
        dclo    $18, $2                 // 1
        OUT($18)
        daddiu  $20, $0, -2
        dclo    $20, $20                // 63
        OUT($20)
        dext    $8, $19, 0, 32          // low word, zero-extended
        OUT($8)
        dext    $9, $4, 0, 1            // 1
        OUT($9)
        dext    $11, $19, 31, 1
        OUT($11)
        dext    $12, $19, 4, 8
        OUT($12)
        dextm   $13, $4, 0, 64          // whole register
        OUT($13)
        dextm   $14, $19, 31, 33        // bits 31..63
        OUT($14)
        dextm   $15, $19, 4, 40
        OUT($15)
        dextu   $17, $2, 63, 1          // 1
        OUT($17)
        dextu   $18, $19, 32, 32        // high word
        OUT($18)
        dextu   $20, $19, 40, 8
        OUT($20)
        or      $21, $19, $0
        dins    $21, $0, 0, 32          // clear the low word
        OUT($21)
        or      $22, $0, $0
        dins    $22, $4, 31, 1
        OUT($22)
        or      $23, $19, $0
        dins    $23, $4, 8, 16
        OUT($23)
        or      $24, $0, $0
        dinsm   $24, $4, 0, 64          // whole register: -1
        OUT($24)
        or      $25, $19, $0
        dinsm   $25, $0, 16, 40
        OUT($25)
        or      $28, $0, $0
        dinsm   $28, $19, 31, 33
        OUT($28)
        or      $30, $0, $0
        dinsu   $30, $4, 63, 1          // INT64_MIN
        OUT($30)
        or      $8, $19, $0
        dinsu   $8, $0, 32, 32          // clear the high word
        OUT($8)
        or      $9, $4, $0
        dinsu   $9, $19, 40, 12
        OUT($9)
        dsbh    $11, $19                // 0x23016745ab89efcd
        OUT($11)
        dshd    $12, $19                // 0xcdef89ab45670123
        OUT($12)
        dsbh    $13, $2
        OUT($13)
        dshd    $14, $3
        OUT($14)

// ---- 64-bit loads and stores: lwu, ld, sd, ldl/ldr/sdl/sdr, lld/scd.
        lwu     $15, 0($16)             // 0x8001ff7f zero-extended
        OUT($15)
        lw      $17, 0($16)             // same word sign-extended
        OUT($17)
        lwu     $18, 4($16)
        OUT($18)
        ld      $20, 0($16)
        OUT($20)
        ld      $21, 8($16)
        OUT($21)
        sd      $19, 128($16)
        sd      $2, 136($16)
        ld      $22, 128($16)
        OUT($22)
        lwu     $23, 136($16)           // 0x80000000
        OUT($23)
        ldl     $24, 1($16)             // bytes 1..8
        ldr     $24, 8($16)
        OUT($24)
        ldl     $25, 5($16)             // bytes 5..12
        ldr     $25, 12($16)
        OUT($25)
        ldl     $28, 8($16)             // aligned: whole doubleword
        ldr     $28, 15($16)
        OUT($28)
        or      $30, $19, $0
        ldl     $30, 13($16)            // 3 bytes into the top
        OUT($30)
        or      $8, $19, $0
        ldr     $8, 10($16)             // 3 bytes into the bottom
        OUT($8)
        or      $9, $4, $0
        ldl     $9, 15($16)             // one byte
        OUT($9)
        or      $11, $4, $0
        ldr     $11, 8($16)             // one byte
        OUT($11)
        sdl     $19, 145($16)           // unaligned doubleword at 145..152
        sdr     $19, 152($16)
        sdl     $2, 167($16)            // one byte (0x80) at 167
        sdr     $4, 168($16)            // one byte (0xff) at 168
        sdl     $19, 178($16)           // 6 bytes at 178..183
        sdr     $19, 186($16)           // 3 bytes at 184..186
        sdl     $5, 192($16)            // aligned: whole doubleword
        sdr     $3, 207($16)            // aligned: whole doubleword
        ld      $12, 144($16)
        OUT($12)
        ld      $13, 152($16)
        OUT($13)
        lld     $14, 216($16)           // 0xa5a5...
        OUT($14)
        daddiu  $15, $14, 1
        scd     $15, 216($16)           // succeeds: 1
        OUT($15)
        addiu   $17, $0, 3
        scd     $17, 216($16)           // no reservation: 0
        OUT($17)
        lld     $18, 224($16)
        scd     $18, 232($16)           // other address: 0
        OUT($18)
        ll      $20, 240($16)           // ll/sc on MIPS64: sign-extended word
        OUT($20)
        sc      $6, 240($16)
        OUT($6)
        ld      $21, 216($16)
        OUT($21)

// ---- 64-bit comparisons in branches and traps (upper halves matter).
        dli     $6, 0x0000000100000000
        or      $9, $0, $0
        beq     $6, $0, 60f             // differ only in the upper half: not taken
        daddiu  $10, $6, 1              // delay slot
        ori     $9, $9, 0x1
60:     OUT($10)
        bgtz    $6, 61f                 // positive (low word 0): taken
        dsll    $10, $6, 1
        ori     $9, $9, 0x2
61:     OUT($10)
        bltz    $2, 62f                 // INT64_MIN: taken
        dsrl    $10, $6, 1
        ori     $9, $9, 0x4
62:     OUT($10)
        blezl   $6, 63f                 // not taken: annulled
        daddiu  $10, $10, 1
        ori     $9, $9, 0x8
63:     OUT($10)
        bnel    $6, $0, 64f             // taken
        daddiu  $10, $10, 2
        ori     $9, $9, 0x10
64:     OUT($10)
        OUT($9)
        teq     $6, $0                  // differ in the upper half only
        tne     $6, $6
        tge     $2, $5
        tgeu    $3, $6                  // 0xffffffff < 0x100000000
        tlt     $6, $3                  // signed 0x100000000 >= 0xffffffff
        tltu    $6, $3
        tgei    $2, 0
        tgeiu   $6, -1
        tlti    $6, 0
        tltiu   $4, -1
        teqi    $6, 0
        daddiu  $7, $0, -32768
        tnei    $7, -32768              // equal as sign-extended 64-bit values
#endif

// ---- Dump the registers used (the thread pointer was overwritten), HI and LO, then write the
// scratch buffer and the output area with one write, and exit(0).
        OUT($2)
        OUT($3)
        OUT($4)
        OUT($5)
        OUT($6)
        OUT($7)
        OUT($8)
        OUT($9)
        OUT($10)
        OUT($11)
        OUT($12)
        OUT($13)
        OUT($14)
        OUT($15)
        OUT($17)
        OUT($18)
        OUT($19)
        OUT($20)
        OUT($21)
        OUT($22)
        OUT($23)
        OUT($24)
        OUT($25)
        OUT($28)
        OUT($30)
        OUT($31)
        mfhi    $8
        OUT($8)
        mflo    $9
        OUT($9)
        addiu   $2, $0, SYS_WRITE
        addiu   $4, $0, 1               // stdout
        or      $5, $16, $0             // scratch, then the output area
        addiu   $6, $0, SCRATCH + W * __COUNTER__
        syscall
        nop
        addiu   $2, $0, SYS_EXIT
        addiu   $4, $0, 0
        syscall
        nop

// Subroutines for jal/jalr: sub1 returns through $31, sub2 through $15.
sub1:   jr      $31
        addiu   $14, $14, 0x100         // delay slot of the return
sub2:   jr      $15
        addiu   $14, $14, 0x200

        .data
        .balign 64
scratch:
        .byte   0x80, 0x01, 0xff, 0x7f, 0x12, 0x34, 0x56, 0x78
        .byte   0x9a, 0xbc, 0xde, 0xf0, 0x11, 0x22, 0x33, 0x44
        .byte   0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc
        .byte   0xdd, 0xee, 0xff, 0x00, 0x01, 0x02, 0x03, 0x04
        .fill   32, 1, 0x00
        .fill   64, 1, 0x5a
        .fill   128, 1, 0xa5
output:
        .space  4096
