// Selective scan (Mamba-1) forward and backward for training on the CPU, float32.
// Built and loaded by scan_kernel.py (gcc -O3 -march=native -ffast-math -fopenmp -shared).
//
//   s[b,t,d,:] = exp(dt[b,t,d] * A[d,:]) * s[b,t-1,d,:] + dt[b,t,d] * x[b,t,d] * B[b,t,:],  s[b,-1] = 0
//   y[b,t,d]   = sum_n s[b,t,d,n] * C[b,t,n]
//
// Layouts (row-major, contiguous): dt, x, y, gy, gdt, gx [B,T,D]; A, gA_part [B,D,N] for gA_part,
// A [D,N]; Bm, C, gB, gC [B,T,N]. Parallel over b; each b owns its rows of gB, gC and gA_part,
// so there are no races (the caller sums gA_part over b). The backward recomputes the states of
// one (b, d) row into a T x N scratch instead of storing all of them in the forward.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NMAX 64

void scan_forward(int B, int T, int D, int N, const float *dt, const float *x, const float *A,
                  const float *Bm, const float *C, float *y, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int b = 0; b < B; b++) {
        for (int d = 0; d < D; d++) {
            float s[NMAX];
            const float *Ad = A + (size_t)d * N;
            for (int n = 0; n < N; n++) s[n] = 0.f;
            for (int t = 0; t < T; t++) {
                size_t i = ((size_t)b * T + t) * D + d;
                const float *Bt = Bm + ((size_t)b * T + t) * N, *Ct = C + ((size_t)b * T + t) * N;
                float delta = dt[i], u = delta * x[i], acc = 0.f;
                for (int n = 0; n < N; n++) {
                    s[n] = expf(delta * Ad[n]) * s[n] + u * Bt[n];
                    acc += s[n] * Ct[n];
                }
                y[i] = acc;
            }
        }
    }
}

// One (b, d) row of the backward; always inlined so that N = 16 becomes a constant.
static inline __attribute__((always_inline)) void backward_row(
    int b, int d, int T, int D, const int N, const float *restrict dt, const float *restrict x,
    const float *restrict A, const float *restrict Bm, const float *restrict C, const float *restrict gy,
    float *restrict gdt, float *restrict gx, float *restrict gA_part, float *restrict gB,
    float *restrict gC, float *restrict S) {
    const float *Ad = A + (size_t)d * N;
    float *gAd = gA_part + ((size_t)b * D + d) * N;
    float s[NMAX], carry[NMAX], gAacc[NMAX];
    // states of this row; S row 0 holds s[-1] = 0
    for (int n = 0; n < N; n++) s[n] = S[n] = carry[n] = gAacc[n] = 0.f;
    for (int t = 0; t < T; t++) {
        size_t i = ((size_t)b * T + t) * D + d;
        const float *Bt = Bm + ((size_t)b * T + t) * N;
        float delta = dt[i], u = delta * x[i];
        for (int n = 0; n < N; n++) {
            s[n] = expf(delta * Ad[n]) * s[n] + u * Bt[n];
            S[(size_t)(t + 1) * N + n] = s[n];
        }
    }
    // adjoint: gs = dL/ds_t; carry = a_{t+1} * gs_{t+1}
    for (int t = T - 1; t >= 0; t--) {
        size_t i = ((size_t)b * T + t) * D + d;
        size_t r = (size_t)b * T + t;
        const float *Bt = Bm + r * N, *Ct = C + r * N;
        float *gBt = gB + r * N, *gCt = gC + r * N;
        const float *St = S + (size_t)(t + 1) * N, *Sp = S + (size_t)t * N;
        float delta = dt[i], xv = x[i], u = delta * xv, g_y = gy[i];
        float g_dt = 0.f, g_u = 0.f;
        for (int n = 0; n < N; n++) {
            float a = expf(delta * Ad[n]);
            float gs = g_y * Ct[n] + carry[n];
            gCt[n] += g_y * St[n];
            float gz = gs * Sp[n] * a;   // dL/d(delta * A[d,n])
            g_dt += gz * Ad[n];
            gAacc[n] += gz * delta;
            g_u += gs * Bt[n];
            gBt[n] += gs * u;
            carry[n] = a * gs;
        }
        gdt[i] = g_dt + g_u * xv;
        gx[i] = g_u * delta;
    }
    for (int n = 0; n < N; n++) gAd[n] = gAacc[n];
}

void scan_backward(int B, int T, int D, int N, const float *dt, const float *x, const float *A,
                   const float *Bm, const float *C, const float *gy, float *gdt, float *gx,
                   float *gA_part, float *gB, float *gC, int threads) {
    memset(gB, 0, sizeof(float) * (size_t)B * T * N);
    memset(gC, 0, sizeof(float) * (size_t)B * T * N);
#pragma omp parallel num_threads(threads)
    {
        float *S = (float *)malloc(sizeof(float) * (size_t)(T + 1) * N);
#pragma omp for schedule(static)
        for (int b = 0; b < B; b++) {
            for (int d = 0; d < D; d++) {
                if (N == 16)
                    backward_row(b, d, T, D, 16, dt, x, A, Bm, C, gy, gdt, gx, gA_part, gB, gC, S);
                else
                    backward_row(b, d, T, D, N, dt, x, A, Bm, C, gy, gdt, gx, gA_part, gB, gC, S);
            }
        }
        free(S);
    }
}
