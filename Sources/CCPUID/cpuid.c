#include "CCPUID.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

uint32_t jamba_cpuid_max(uint32_t leaf) {
    return __get_cpuid_max(leaf & 0x80000000u, 0);
}

void jamba_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]) {
    regs[0] = regs[1] = regs[2] = regs[3] = 0;
    if (jamba_cpuid_max(leaf) < leaf) return;
    __cpuid_count(leaf, subleaf, regs[0], regs[1], regs[2], regs[3]);
}

uint64_t jamba_xcr0(void) {
    uint32_t regs[4];
    jamba_cpuid(1, 0, regs);
    if (!(regs[2] & (1u << 27))) return 0;   /* OSXSAVE clear: XGETBV is not enabled */
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

#else

uint32_t jamba_cpuid_max(uint32_t leaf) { (void)leaf; return 0; }
void jamba_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]) {
    (void)leaf; (void)subleaf;
    regs[0] = regs[1] = regs[2] = regs[3] = 0;
}
uint64_t jamba_xcr0(void) { return 0; }

#endif
