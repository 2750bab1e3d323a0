// op_coverage.S: one RISC-V program (no loops beyond two tiny ones) that executes every op of
// backends/riscv/src/isa.def valid for the target XLEN (RV32IMAC or RV64IMAC), except the four
// that always fault in faultline (ebreak, c.ebreak, csrrw, csrrwi), which are tested separately.
//
// Build (both XLENs come from this one file; RV64-only ops sit under __riscv_xlen == 64):
//   clang --target=riscv64-unknown-elf -march=rv64imac -mabi=lp64 -nostdlib -static \
//         -fuse-ld=lld -Wl,--no-rosegment -o cov64.elf op_coverage.S
//   clang --target=riscv32-unknown-elf -march=rv32imac -mabi=ilp32 -nostdlib -static \
//         -fuse-ld=lld -Wl,--no-rosegment -o cov32.elf op_coverage.S
//
// Every result is appended to `results` (macro `put`); at the end all 32 registers are stored
// to `regdump`, and regdump + scratch + the used part of results go to stdout in one
// write(1, buf, len), then exit(0). Nothing printed depends on the initial register values or
// on the counter CSRs (their destinations are overwritten), so the output must be identical
// byte for byte under qemu-user and faultline. Addresses (la, auipc, jal links) are fixed by
// the static link and therefore identical too.
//
// Register roles while testing: s0 = scratch base, s1 = results pointer, sp = our stack,
// s2 = -1, s3 = XLEN_MIN (most negative), s4 = XLEN_MAX, s5 = 1.

#if __riscv_xlen == 64
#define SX sd
#define XB 8
#define XLEN 64
#else
#define SX sw
#define XB 4
#define XLEN 32
#endif

        .option norvc            // 32-bit encodings everywhere, except inside `.option rvc` blocks
        .option norelax          // no R_RISCV_ALIGN for the text .balign (lld 14 cannot relax)

        // Append one register to the results area (always as 32-bit instructions).
        .macro put r
        .option push
        .option norvc
        SX      \r, 0(s1)
        addi    s1, s1, XB
        .option pop
        .endm

        .text
        .globl  _start

// A subroutine placed before _start so that calling it is a backward jal.
back_sub:
        addi    a0, a0, 100
        jalr    x0, 0(ra)                 // plain return (rd = x0)

_start:
        // ---- Set every register to a known value (initial values differ between VMs).
        li      x1, 0x101
        li      x3, 0x303
        li      x4, 0x404
        li      x5, 0x505
        li      x6, 0x606
        li      x7, 0x707
        li      x10, 0xa0a
        li      x11, 0xb0b
        li      x12, 0xc0c
        li      x13, 0xd0d
        li      x14, 0xe0e
        li      x15, 0xf0f
        li      x16, 0x110
        li      x17, 0x111
        li      x18, 0x112
        li      x19, 0x113
        li      x20, 0x114
        li      x21, 0x115
        li      x22, 0x116
        li      x23, 0x117
        li      x24, 0x118
        li      x25, 0x119
        li      x26, 0x11a
        li      x27, 0x11b
        li      x28, 0x11c
        li      x29, 0x11d
        li      x30, 0x11e
        li      x31, 0x11f
        la      sp, stacktop
        la      s0, scratch
        la      s1, results

        // ---- Constants: -1, most negative, most positive, 1.
        addi    s2, x0, -1
        slli    s3, s2, XLEN-1            // XMIN; also slli by xlen-1
        srli    s4, s2, 1                 // XMAX
        addi    s5, x0, 1
        put     s2
        put     s3
        put     s4

        // ---- lui / auipc
        lui     t0, 0x80000               // RV64: sign-extends to 0xffffffff80000000
        lui     t1, 0xfffff               // -4096
        lui     t2, 0x7ffff
        lui     t3, 0
        lui     x0, 0x12345               // rd = x0: discarded
auipc_a:
        auipc   t4, 0
        auipc   t5, 0
        sub     t6, t5, t4                // 4
        auipc   a0, 0x80000               // pc - 2^31 (wraps on RV32)
        auipc   a1, 0xfffff               // pc - 4096
        sub     a0, a0, t4
        sub     a1, a1, t4
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t6
        put     a0
        put     a1

        // ---- Register-immediate ALU: addi slti sltiu xori ori andi
        addi    t0, s4, 1                 // XMAX + 1 -> XMIN (overflow wraps)
        addi    t1, s3, -1                // XMIN - 1 -> XMAX
        addi    t2, x0, -2048
        addi    t3, s2, 2047
        addi    x0, s2, 5                 // discarded
        put     t0
        put     t1
        put     t2
        put     t3
        slti    t0, s2, 0                 // -1 < 0: 1
        slti    t1, x0, -1                // 0 < -1: 0
        slti    t2, s3, -2048             // XMIN < -2048: 1
        slti    t3, s4, 2047              // 0
        sltiu   t4, x0, 1                 // seqz 0: 1
        sltiu   t5, s2, -1                // max <u max: 0
        sltiu   t6, s4, -1                // XMAX <u max: 1
        sltiu   a0, s5, 1                 // 1 <u 1: 0
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a0
        xori    t0, s3, -1                // ~XMIN = XMAX
        xori    t1, s4, 0x555
        ori     t2, x0, -2048             // sign-extended immediate
        ori     t3, s3, 1
        andi    t4, s2, 0x7ff
        andi    t5, s4, -2048
        andi    t6, s3, -1
        andi    a0, s2, 0
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a0

        // ---- Shifts by immediate (RV64: the 6-bit-shamt slli64/srli64/srai64 encodings)
        slli    t0, s2, 0                 // -1
        slli    t1, s5, XLEN-1            // XMIN
        srli    t2, s3, XLEN-1            // 1
        srli    t3, s2, 0                 // -1
        srai    t4, s3, XLEN-1            // -1
        srai    t5, s4, XLEN-1            // 0
        srai    t6, s3, 0                 // XMIN
        srai    a0, s3, 1                 // 0xc000...
        slli    a1, s4, 1                 // -2
        srli    a2, s2, 31
#if XLEN == 64
        slli    a3, s5, 32                // shamt[5] set
        srli    a4, s2, 32
        srai    a5, s3, 33
#else
        srli    a3, s2, 17
        srai    a4, s3, 17
        slli    a5, s2, 17
#endif
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a0
        put     a1
        put     a2
        put     a3
        put     a4
        put     a5

        // ---- Register-register ALU: add sub sll slt sltu xor srl sra or and
        li      a6, XLEN+3                // shift amounts use only the low log2(xlen) bits
        add     t0, s4, s5                // XMAX + 1 -> XMIN
        add     t1, s2, s2                // -2
        sub     t2, s3, s5                // XMIN - 1 -> XMAX
        sub     t3, x0, s3                // -XMIN = XMIN
        sll     t4, s5, s2                // shift by xlen-1: XMIN
        sll     t5, s5, a6                // shift by 3: 8
        sll     t6, s2, x0                // shift by 0: -1
        srl     a0, s3, s2                // 1
        srl     a1, s2, a6
        sra     a2, s3, s2                // -1
        sra     a3, s3, a6
        sra     a4, s4, x0                // XMAX
        add     x0, s2, s2                // discarded
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a0
        put     a1
        put     a2
        put     a3
        put     a4
        slt     t0, s3, s4                // 1
        slt     t1, s4, s3                // 0
        slt     t2, s2, s2                // 0
        slt     t3, s2, x0                // 1
        sltu    t4, x0, s2                // snez: 1
        sltu    t5, s2, x0                // 0
        sltu    t6, s4, s3                // 1
        xor     a0, s3, s4                // -1
        xor     a1, s2, s2                // 0
        or      a2, s3, s5
        or      a3, x0, x0
        and     a4, s3, s2                // XMIN
        and     a5, s4, s3                // 0
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a0
        put     a1
        put     a2
        put     a3
        put     a4
        put     a5

        // ---- Conditional branches, each taken and not taken. a0/a1 collect one bit per
        // fall-through executed (a bit set = not taken), so the result records every outcome.
        li      a0, 0
        li      a1, 0
        beq     s2, s2, 1f                // taken
        ori     a0, a0, 0x1
1:      beq     s2, s3, 1f                // not taken
        ori     a0, a0, 0x2
1:      bne     s2, s3, 1f                // taken
        ori     a0, a0, 0x4
1:      bne     s4, s4, 1f                // not taken
        ori     a0, a0, 0x8
1:      blt     s3, s4, 1f                // XMIN < XMAX: taken
        ori     a0, a0, 0x10
1:      blt     s2, s3, 1f                // -1 < XMIN: not taken
        ori     a0, a0, 0x20
1:      blt     s5, s5, 1f                // equal: not taken
        ori     a0, a0, 0x40
1:      bge     s2, s3, 1f                // taken
        ori     a0, a0, 0x80
1:      bge     s5, s5, 1f                // equal: taken
        ori     a0, a0, 0x100
1:      bge     s3, s2, 1f                // not taken
        ori     a0, a0, 0x200
1:      bltu    s5, s2, 1f                // 1 <u max: taken
        ori     a1, a1, 0x1
1:      bltu    s2, s3, 1f                // max <u XMIN: not taken
        ori     a1, a1, 0x2
1:      bltu    s3, s3, 1f                // equal: not taken
        ori     a1, a1, 0x4
1:      bgeu    s2, s3, 1f                // taken
        ori     a1, a1, 0x8
1:      bgeu    x0, s5, 1f                // 0 >=u 1: not taken
        ori     a1, a1, 0x10
1:      bgeu    s5, s5, 1f                // equal: taken
        ori     a1, a1, 0x20
1:
        // A backward loop: bne and blt taken backwards, then not taken.
        li      t0, 3
        li      t1, 0
2:      addi    t1, t1, 5
        addi    t0, t0, -1
        bne     t0, x0, 2b
        li      t2, 0
3:      addi    t2, t2, 1
        blt     t2, t1, 3b                // counts up to 15
        put     a0
        put     a1
        put     t1
        put     t2

        // ---- jal / jalr links and targets
        li      t0, 0
        jal     ra, 1f                    // forward jal
        li      t0, 111                   // skipped
1:      auipc   t1, 0
        sub     t2, ra, t1                // link = jal + 4 = this label - 4: -4
        li      a0, 7
        jal     ra, back_sub              // backward jal; back_sub returns with jalr x0, 0(ra)
        jal     x0, 1f                    // rd = x0
        li      t0, 222                   // skipped
1:      la      t3, jalr_target+1         // odd target: jalr clears bit 0
        jalr    t4, 0(t3)
        li      t0, 333                   // skipped
jalr_target:
        la      t5, jalr_target2+16
        jalr    t5, -16(t5)               // rd = rs1: the target uses the old value
        li      t0, 444                   // skipped
jalr_target2:
        la      t6, jalr_target3
        jalr    x0, 0(t6)
        li      t0, 555                   // skipped
jalr_target3:
        put     t0
        put     ra
        put     t2
        put     a0
        put     t4
        put     t5

        // ---- Loads: sign/zero extension, top bits set, misaligned addresses, negative offset
        lb      t0, 0(s0)                 // 0x80 -> -128
        lbu     t1, 0(s0)                 // 128
        lb      t2, 2(s0)                 // 0x7f
        lh      t3, 0(s0)                 // 0xff80 -> -128
        lhu     t4, 0(s0)                 // 0xff80
        lh      t5, 1(s0)                 // misaligned: 0x7fff
        lw      t6, 0(s0)
        lw      a0, 4(s0)                 // 0x89674523, sign-extended on RV64
        lw      a1, 3(s0)                 // misaligned
        lhu     a2, 7(s0)                 // misaligned, crosses a doubleword
        addi    a3, s0, 16
        lb      a4, -5(a3)                // 0xfe -> -2
        lh      a5, -3(a3)                // misaligned, negative offset
        lw      x0, 0(s0)                 // discarded
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a0
        put     a1
        put     a2
        put     a4
        put     a5
#if XLEN == 64
        lwu     t0, 4(s0)                 // 0x89674523 zero-extended
        lwu     t1, 9(s0)                 // misaligned
        ld      t2, 0(s0)
        ld      t3, 5(s0)                 // misaligned
        ld      t4, -16(a3)
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
#endif

        // ---- Stores (into scratch+32..63, initially zero), aligned and misaligned
        addi    s6, s0, 32
        sb      s2, 0(s6)
        sb      s5, 1(s6)
        sh      a0, 2(s6)
        sh      s2, 5(s6)                 // misaligned
        sw      a0, 8(s6)
        sw      s2, 13(s6)                // misaligned
        addi    a7, s6, 24
        sb      t1, -1(a7)                // negative offset
#if XLEN == 64
        sd      s3, 24(s6)
        sd      a0, 17(s6)                // misaligned (overwrites part of the above)
#else
        sw      s3, 24(s6)
        sw      a0, 17(s6)
#endif
        lw      t0, 0(s6)                 // read back
        lhu     t1, 5(s6)
        put     t0
        put     t1
        // Misaligned accesses across a 32-byte boundary (scratch is 64-aligned) and across a
        // 4 KiB page boundary (page_boundary in .data).
        sw      a0, 158(s0)               // bytes 158..161 straddle offset 160
        lw      t2, 158(s0)
        lhu     t3, 159(s0)
        la      a7, page_boundary
        sw      a0, -3(a7)
        lw      t4, -2(a7)
        lhu     t5, -1(a7)
#if XLEN == 64
        sd      s3, 187(s0)               // bytes 187..194 straddle offset 192
        ld      t6, 186(s0)
        sd      a0, -5(a7)
        ld      a1, -7(a7)
        lwu     a2, -2(a7)
#else
        sh      s3, 191(s0)
        lw      t6, 190(s0)
        sw      s2, -1(a7)
        lw      a1, -3(a7)
        lhu     a2, -1(a7)
#endif
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a1
        put     a2

        // ---- Fences (no-ops)
        fence
        fence   rw, rw
        fence   r, w
        fence.tso
        fence.i

        // ---- Counter CSRs: only reads with rs1 = x0 / uimm = 0. The values are host time
        // under qemu, so the destinations are overwritten right after.
        csrrs   t0, cycle, x0
        csrrc   t1, time, x0
        csrrsi  t2, instret, 0
        csrrci  t3, cycle, 0
        csrrs   x0, time, x0
#if XLEN == 32
        csrrs   t4, cycleh, x0
        csrrc   t5, timeh, x0
        csrrsi  t6, instreth, 0
        csrrci  t4, cycleh, 0
#endif
        li      t0, 0xc0
        li      t1, 0xc1
        li      t2, 0xc2
        li      t3, 0xc3
        li      t4, 0xc4
        li      t5, 0xc5
        li      t6, 0xc6

        // ---- M: mul mulh mulhsu mulhu div divu rem remu
        li      a6, -7
        li      a7, 2
        li      s7, 7
        li      s8, -2
        mul     t0, s3, s2                // XMIN * -1 = XMIN
        mul     t1, s4, s4                // low half: 1
        mul     t2, a6, a7                // -14
        mulh    t3, s3, s3                // 2^(xlen-2)
        mulh    t4, s2, s2                // 0
        mulh    t5, s3, s5                // -1
        mulh    t6, s4, s2                // -1
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        mulhsu  t0, s2, s2                // -1 * (2^xlen - 1): high -1
        mulhsu  t1, s4, s2
        mulhsu  t2, s3, s3                // XMIN * 2^(xlen-1)
        mulhsu  t3, s5, s2                // 0
        mulhu   t4, s2, s2                // 0xff...fe
        mulhu   t5, s3, a7                // 1
        mulhu   t6, s4, s5                // 0
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        div     t0, s3, s2                // overflow: XMIN
        div     t1, s5, x0                // by zero: -1
        div     t2, a6, a7                // -7/2 = -3 (truncates)
        div     t3, s7, s8                // 7/-2 = -3
        divu    t4, s2, x0                // by zero: all ones
        divu    t5, s2, a7                // XMAX
        divu    t6, s7, a7                // 3
        divu    a0, a6, s2                // 0
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a0
        rem     t0, s3, s2                // overflow: 0
        rem     t1, s4, x0                // by zero: dividend
        rem     t2, a6, a7                // -1
        rem     t3, s7, s8                // 1
        remu    t4, s3, x0                // by zero: dividend
        remu    t5, s2, s7
        remu    t6, a6, a7
        rem     a0, s3, s5                // 0
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a0

#if XLEN == 64
        // ---- RV64 word ops: addiw slliw srliw sraiw addw subw sllw srlw sraw
        li      a6, 0x7fffffff
        li      a7, 0x80000000            // zero-extended: 0x0000000080000000
        li      s7, 0x100000007           // upper bits must be ignored
        addiw   t0, a6, 1                 // 0xffffffff80000000
        addiw   t1, s4, 0                 // sext.w of XMAX: -1
        addiw   t2, s3, 0                 // 0
        addiw   t3, s7, -8                // -1
        slliw   t4, s5, 31                // 0xffffffff80000000
        slliw   t5, s4, 0                 // -1
        srliw   t6, s2, 0                 // -1 (bit 31 set, shifted by 0)
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        srliw   t0, s2, 31                // 1
        srliw   t1, s2, 1                 // 0x7fffffff
        sraiw   t2, a7, 31                // -1
        sraiw   t3, s4, 4                 // -1
        sraiw   t4, a6, 0
        addw    t5, a6, s5                // 0xffffffff80000000
        addw    t6, s7, s2                // 6
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        subw    t0, a7, s5                // 0x7fffffff
        subw    t1, x0, a7                // 0xffffffff80000000
        li      a0, 63
        li      a1, 33
        sllw    t2, s5, a0                // shift by 31
        sllw    t3, s5, a1                // shift by 1
        srlw    t4, s2, a1                // 0x7fffffff
        srlw    t5, a7, x0                // 0xffffffff80000000
        sraw    t6, a7, a0                // -1
        sraw    a2, a6, a0                // 0
        sraw    a3, s7, a1                // 3
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a2
        put     a3

        // ---- RV64 M word ops: mulw divw divuw remw remuw
        li      s8, -7
        li      s9, 2
        mulw    t0, a6, s9                // -2
        mulw    t1, s3, s2                // low words 0 * -1: 0
        mulw    t2, s7, s8                // 7 * -7 = -49
        divw    t3, a7, s2                // INT32_MIN / -1: 0xffffffff80000000
        divw    t4, s7, x0                // -1
        divw    t5, s8, s9                // -3
        divw    t6, s7, s9                // 3 (upper bits ignored)
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        divuw   t0, a7, x0                // -1
        divuw   t1, s2, s5                // 0xffffffff sign-extended: -1
        divuw   t2, s2, s9                // 0x7fffffff
        remw    t3, a7, s2                // 0
        remw    t4, s8, s9                // -1
        remw    t5, a7, x0                // dividend sign-extended: 0xffffffff80000000
        remuw   t6, a7, x0                // 0xffffffff80000000
        remuw   a2, s2, a6                // 0xffffffff % 0x7fffffff = 1
        remuw   a3, s7, s9                // 1
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a2
        put     a3
#endif

        // ---- A: lr.w / sc.w success and failure, then every AMO .w (aligned words in scratch)
        addi    s6, s0, 64                // word slot
        lr.w    t0, (s6)                  // 0x80000001 (sign-extended on RV64)
        addi    t1, t0, 1
        sc.w    t2, t1, (s6)              // success: 0
        sc.w    t3, s2, (s6)              // no reservation left: fails (1), memory unchanged
        lr.w.aq t4, (s6)
        addi    a0, s6, 4
        sc.w.rl t5, s2, (a0)              // another address: fails
        sc.w    t6, s2, (s6)              // reservation cleared by the failed sc: fails
        lw      a1, 0(s6)                 // 0x80000002
        lw      a2, 4(s6)                 // unchanged
        put     t0
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a1
        put     a2
        addi    s7, s0, 72                // word slot for the AMOs
        li      a0, 0x7fffffff
        sw      a0, 0(s7)
        amoadd.w t0, s5, (s7)             // old 0x7fffffff, mem 0x80000000
        amoswap.w t1, s2, (s7)            // old 0x80000000 (sign-extended), mem -1
        li      a1, 0x0f0f0f0f
        amoxor.w t2, a1, (s7)             // old -1, mem 0xf0f0f0f0
        li      a2, 0x3c3c3c3c
        amoand.w t3, a2, (s7)             // mem 0x30303030
        li      a3, 0x90000011            // shares bits with mem: OR differs from XOR
        amoor.w.aqrl t4, a3, (s7)         // mem 0xb0303031
        amomin.w t5, s5, (s7)             // signed: mem stays 0xb0303031
        amomax.w t6, s5, (s7)             // mem 1
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        amomaxu.w t0, s2, (s7)            // mem 0xffffffff
        amominu.w t1, a0, (s7)            // mem 0x7fffffff
        amomin.w t2, s3, (s7)             // RV32: mem XMIN; RV64: low word 0 -> mem 0
        amomaxu.w t3, s4, (s7)            // RV64: low word of XMAX is 0xffffffff
        amominu.w t4, s5, (s7)            // mem 1
        amomax.w t5, s2, (s7)             // mem 1
        amoadd.w x0, s2, (s7)             // rd = x0: mem 0
        li      t6, 0x5a5a
        amoswap.w t6, t6, (s7)            // rd = rs2: mem 0x5a5a, t6 = 0
        lw      a4, 0(s7)
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        put     a4

#if XLEN == 64
        // ---- RV64 A: lr.d / sc.d and every AMO .d (aligned doublewords in scratch)
        addi    s6, s0, 80
        lr.d    t0, (s6)
        addi    t1, t0, 1
        sc.d    t2, t1, (s6)              // success: 0
        sc.d    t3, s2, (s6)              // fails: 1
        lr.d.aqrl t4, (s6)
        addi    a0, s6, 8
        sc.d    t5, s2, (a0)              // other address: fails
        ld      a1, 0(s6)
        put     t0
        put     t2
        put     t3
        put     t4
        put     t5
        put     a1
        addi    s7, s0, 88
        sd      s4, 0(s7)
        amoadd.d t0, s5, (s7)             // old XMAX, mem XMIN
        amoswap.d t1, s2, (s7)            // old XMIN, mem -1
        li      a1, 0x0f0f0f0f0f0f0f0f
        amoxor.d t2, a1, (s7)             // mem 0xf0f0...
        li      a2, 0x3c3c3c3c3c3c3c3c
        amoand.d t3, a2, (s7)             // mem 0x3030...
        amoor.d t4, s3, (s7)              // mem 0xb030...
        amomin.d t5, s5, (s7)             // negative stays
        amomax.d t6, s5, (s7)             // mem 1
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
        amomaxu.d t0, s2, (s7)            // mem -1
        amominu.d t1, s4, (s7)            // mem XMAX
        amomin.d t2, s3, (s7)             // mem XMIN
        amomaxu.d t3, s4, (s7)            // XMIN >u XMAX: stays XMIN
        amominu.d t4, s5, (s7)            // mem 1
        amomax.d t5, s2, (s7)             // mem 1
        amoadd.d x0, s3, (s7)             // mem XMIN + 1
        ld      t6, 0(s7)
        put     t0
        put     t1
        put     t2
        put     t3
        put     t4
        put     t5
        put     t6
#endif

        // ---- C extension. Only c. mnemonics inside `.option rvc`; the compressed register
        // fields (rd'/rs1'/rs2') use a0-a5 (x10-x15), s0 and s1 as bases.
        .option push
        .option rvc
        c.addi16sp sp, -64                // sp -= 64
        c.li    a0, -32
        c.li    a1, 31
        c.swsp  a0, 0(sp)
        c.swsp  a1, 60(sp)
        c.lwsp  a2, 0(sp)                 // -32
        c.lwsp  t0, 60(sp)                // 31 (full 5-bit rd)
        c.addi4spn a3, sp, 8              // sp + 8
        c.addi4spn a4, sp, 1020           // largest offset
        c.sw    a1, 4(a3)                 // sp + 12
        c.lw    a5, 4(a3)                 // 31
        c.sw    a0, 124(s0)               // largest c.sw offset (scratch + 124)
        c.lw    a1, 0(s0)                 // scratch bytes 0..3 (lw, sign-extended)
        c.lw    a2, 124(s0)
        c.mv    t2, a5
        c.addi16sp sp, 48
        c.addi16sp sp, 16                 // back to stacktop
        .option pop
        sub     a3, a3, sp                // -56
        sub     a4, a4, sp
        put     a2
        put     t0
        put     a3
        put     a4
        put     a5
        put     a1
        put     t2
        put     sp

#if XLEN == 64
        .option push
        .option rvc
        c.addi16sp sp, -256
        c.sdsp  s3, 0(sp)
        c.sdsp  s2, 504(sp)               // largest offset
        c.ldsp  t0, 0(sp)                 // XMIN
        c.ldsp  t1, 504(sp)
        c.addi4spn a0, sp, 16
        c.sd    s1, 8(a0)                 // stores the results pointer (an address we chose)
        c.ld    a1, 8(a0)
        c.sd    a0, 248(s0)               // largest c.sd offset (scratch + 248)
        c.ld    a2, 0(s0)
        c.addi16sp sp, 256
        .option pop
        sub     a1, a1, s1                // 0
        put     t0
        put     t1
        put     a1
        put     a2
#endif

        // Compressed ALU: c.li c.lui c.addi c.nop c.slli c.srli c.srai c.andi c.mv c.add
        // c.sub c.xor c.or c.and (RV64: c.addiw c.addw c.subw)
        .option push
        .option rvc
        c.lui   a0, 0xfffff               // -4096
        c.lui   a1, 1                     // 4096
        c.lui   a2, 0x1f
        c.lui   t0, 0xfffe0               // most negative c.lui
        c.addi  a0, -32
        c.addi  a1, 31
        c.nop
        c.li    a3, -1
        c.slli  a3, XLEN-1                // XMIN
        c.mv    a4, a3
        c.srai  a4, XLEN-1                // -1
        c.mv    a5, a3
        c.srli  a5, XLEN-1                // 1
        c.slli  t1, 1                     // full 5-bit rd
        .option pop
        put     a0
        put     a1
        put     a2
        put     t0
        put     a3
        put     a4
        put     a5
        put     t1
        .option push
        .option rvc
        c.li    a0, -1
        c.srli  a0, 1                     // XMAX
        c.li    a1, -1
        c.srai  a1, 1                     // -1
        c.mv    a2, s3
        c.srai  a2, 3
        c.li    a3, -1
        c.andi  a3, -32
        c.li    a4, -1
        c.andi  a4, 31
        c.li    a5, -1
        c.andi  a5, 0
        .option pop
        put     a0
        put     a1
        put     a2
        put     a3
        put     a4
        put     a5
        .option push
        .option rvc
        c.mv    a0, s4                    // XMAX
        c.add   a0, s5                    // overflow: XMIN
        c.mv    a1, s3
        c.li    a2, 1
        c.sub   a1, a2                    // XMIN - 1: XMAX
        c.li    a3, -1
        c.mv    a4, s4
        c.xor   a3, a4                    // XMIN
        c.li    a5, 12
        c.li    a2, 10
        c.or    a5, a2                    // 14
        c.li    a4, 12
        c.and   a4, a2                    // 8
        c.add   t2, a2                    // full 5-bit registers: t2 + 10
        .option pop
        put     a0
        put     a1
        put     a3
        put     a5
        put     a4
        put     t2

#if XLEN == 64
        li      a0, 0x7fffffff
        li      a2, 0x17ffffffe           // upper bits ignored by the word ops
        .option push
        .option rvc
        c.mv    a1, a0
        c.addiw a1, 1                     // 0xffffffff80000000
        c.mv    a3, s4
        c.addiw a3, 0                     // sext.w: -1
        c.li    a4, 1
        c.addw  a4, a0                    // 0xffffffff80000000
        c.mv    a5, a2
        c.addw  a5, a4                    // 0x7ffffffe + 0x80000000 = -2
        c.mv    a0, s3
        c.li    a2, 1
        c.subw  a0, a2                    // 0 - 1 = -1 (low words)
        .option pop
        put     a1
        put     a3
        put     a4
        put     a5
        put     a0
        .option push
        .option rvc
        c.li    a0, 0
        c.li    a2, 1
        c.subw  a2, a0                    // 1
        .option pop
        li      a3, 0x80000000
        .option push
        .option rvc
        c.li    a4, 1
        c.subw  a3, a4                    // 0x7fffffff (overflow of the low word)
        .option pop
        put     a2
        put     a3
#endif

        // Compressed control flow: c.beqz c.bnez (taken, not taken, backward), c.j, c.jr,
        // c.jalr (also with rs1 = ra), and RV32 c.jal. a0 collects not-taken bits.
        li      a0, 0
        li      a1, 0
        li      a2, 5
        .option push
        .option rvc
        c.beqz  a1, 1f                    // taken
        c.addi  a0, 1
1:      c.bnez  a1, 1f                    // not taken
        c.addi  a0, 2
1:      c.beqz  a2, 1f                    // not taken
        c.addi  a0, 4
1:      c.bnez  a2, 1f                    // taken
        c.addi  a0, 8
1:      c.li    a3, 0
2:      c.addi  a3, 3
        c.addi  a2, -1
        c.bnez  a2, 2b                    // backward, 4 times taken: a3 = 15
        c.j     1f
        c.li    a0, 31                    // skipped
1:      c.li    a4, 0
        .option pop
        put     a0
        put     a3
        la      t0, csub                  // csub: a4 += 1; c.jr ra
        la      t1, 1f
        li      a5, 0
        .option push
        .option rvc
        c.jalr  t0                        // ra = link (pc + 2)
        c.mv    t3, ra
        c.mv    ra, t0
        c.jalr  ra                        // rs1 = rd = ra: jumps to old ra (csub)
        c.mv    t4, ra
        c.jr    t1                        // to 1f
        c.li    a5, 1                     // skipped
1:
#if XLEN == 32
        c.jal   csub                      // RV32 only: ra = pc + 2
        c.mv    t5, ra
#else
        c.li    t5, 0
#endif
        c.j     1f
csub:   c.addi  a4, 1
        c.jr    ra
1:
        .option pop
        sub     t3, t3, t0
        sub     t4, t4, t0
        put     a4
        put     a5
        put     t3
        put     t4
        put     t5

        // ---- A 32-bit instruction straddling a 4 KiB page boundary in the text: its two
        // halves are fetched from different pages. The zero padding is jumped over.
        jal     x0, page_cross_insn
        .balign 4096
        .skip   4094
page_cross_insn:
        addi    t0, x0, 0x123             // at page offset 4094
        put     t0

        // ---- Dump all 32 registers after the results, then write regdump..results end.
        la      a0, results_end
        bltu    a0, s1, overflow          // (never taken: the results area is large enough)
        la      sp, regdump               // sp was stacktop; now regdump, a fixed address
        SX      x0, 0*XB(sp)
        SX      x1, 1*XB(sp)
        SX      x2, 2*XB(sp)
        SX      x3, 3*XB(sp)
        SX      x4, 4*XB(sp)
        SX      x5, 5*XB(sp)
        SX      x6, 6*XB(sp)
        SX      x7, 7*XB(sp)
        SX      x8, 8*XB(sp)
        SX      x9, 9*XB(sp)
        SX      x10, 10*XB(sp)
        SX      x11, 11*XB(sp)
        SX      x12, 12*XB(sp)
        SX      x13, 13*XB(sp)
        SX      x14, 14*XB(sp)
        SX      x15, 15*XB(sp)
        SX      x16, 16*XB(sp)
        SX      x17, 17*XB(sp)
        SX      x18, 18*XB(sp)
        SX      x19, 19*XB(sp)
        SX      x20, 20*XB(sp)
        SX      x21, 21*XB(sp)
        SX      x22, 22*XB(sp)
        SX      x23, 23*XB(sp)
        SX      x24, 24*XB(sp)
        SX      x25, 25*XB(sp)
        SX      x26, 26*XB(sp)
        SX      x27, 27*XB(sp)
        SX      x28, 28*XB(sp)
        SX      x29, 29*XB(sp)
        SX      x30, 30*XB(sp)
        SX      x31, 31*XB(sp)
        li      a0, 1                     // write(1, regdump, results used end - regdump)
        mv      a1, sp
        sub     a2, s1, sp
        li      a7, 64
        ecall
        sub     a0, a0, a2                // write returns len: exit code 0
        li      a7, 93
        ecall
overflow:
        li      a0, 2
        li      a7, 93
        ecall

        .data
        .balign 64                        // scratch (regdump + 128 or 256) is 64-aligned
regdump:
        .space  32*XB
scratch:                                  // 256 bytes, all printed
        .byte   0x80, 0xff, 0x7f, 0x01, 0x23, 0x45, 0x67, 0x89   // 0: load patterns
        .byte   0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76   // 8
        .space  16                                               // 16
        .space  32                                               // 32: store area
        .word   0x80000001, 0x11223344                           // 64: lr/sc word slot
        .word   0, 0                                             // 72: AMO word slot
        .quad   0x8000000000000001, 0                            // 80: lr/sc, AMO dword
        .space  256 - 96
results:
        .space  4096
results_end:
        .balign 16
        .space  512
stacktop:                                 // c.sdsp reaches up to stacktop + 248
        .space  512
        .balign 4096
page_boundary:                            // misaligned accesses straddle this address
        .space  16
