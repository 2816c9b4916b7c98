// SCOREKIT_TARGET compiles one function for AVX2 + FMA on x86-64, leaving the rest of the file at the baseline
// instruction set; elsewhere it is empty.
#pragma once

#if defined(__x86_64__) || defined(_M_X64)
#define SCOREKIT_TARGET __attribute__((target("avx2,fma")))
#else
#define SCOREKIT_TARGET
#endif
