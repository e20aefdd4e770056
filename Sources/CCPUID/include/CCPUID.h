#ifndef CCPUID_H
#define CCPUID_H

#include <stdint.h>

/* Reads the CPU's identification registers directly. OpenBLAS picks its kernels from the same
   registers, so jamba-eval can tell when OpenBLAS fell back to kernels below what the CPU runs
   (DESIGN.md section 6). On a CPU that is not x86 every call reports nothing. */

/* The highest basic (0x0...) or extended (0x8000_0000...) leaf this CPU answers, for the range
   `leaf` belongs to; 0 when there is no CPUID. */
uint32_t jamba_cpuid_max(uint32_t leaf);

/* eax, ebx, ecx, edx of CPUID(leaf, subleaf) in regs[0...3]; all zero for a leaf above the
   maximum (a CPU answers such leaves with unrelated data, so the caller never sees that). */
void jamba_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);

/* XCR0: which register states the operating system saves, hence which vector widths a program
   may use. 0 unless CPUID says the OS enabled XGETBV (OSXSAVE), where the instruction would fault. */
uint64_t jamba_xcr0(void);

/* A hint to fetch the cache line at p into the caches ahead of use (no fault, no effect on
   results). Swift has no prefetch of its own; decode kernels that stream weights from memory use
   it to keep enough reads in flight (HalfSkinnyGEMM). */
static inline void jamba_prefetch(const void *p) { __builtin_prefetch(p, 0, 0); }

/* The same hint into the second-level cache (prefetcht1): for data wanted a few microseconds from
   now, which would only push what is in use out of the small first-level cache (SkinnyGEMM's next
   weight rows). */
static inline void jamba_prefetch_l2(const void *p) { __builtin_prefetch(p, 0, 2); }

/* 1 when this build targets AVX-512 (the compiler may use 512-bit vector registers), else 0: the
   F32 decode kernel (SkinnyGEMM) picks its accumulator width by it. A constant, so the branch on it
   folds away. */
static inline int jamba_has_512bit_vectors(void) {
#if defined(__AVX512F__)
    return 1;
#else
    return 0;
#endif
}

/* 1 when this build targets CPUs with fused multiply-add (AVX2 and AVX-512 builds), else 0 (a
   baseline x86-64 build, where a fused multiply-add is a library call per lane). A constant. */
static inline int jamba_has_fma(void) {
#if defined(__FMA__)
    return 1;
#else
    return 0;
#endif
}

/* Atomic loads, stores and adds with acquire/release order, and the spin-wait hint: what SpinTeam's
   threads hand work over with (Swift's Synchronization module needs macOS 15, the package targets 13). */
static inline long jamba_atomic_load(const long *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void jamba_atomic_store(long *p, long v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline long jamba_atomic_add(long *p, long v) { return __atomic_add_fetch(p, v, __ATOMIC_ACQ_REL); }
/* Sets *p to desired if it holds expected; true when it did. */
static inline int jamba_atomic_cas(long *p, long expected, long desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
static inline void jamba_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

#endif
