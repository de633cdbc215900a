// Copyright 2026 The Haywire Authors.
//
// FUZZ_CHECK: the assertion of fuzz targets. A violated invariant prints
// where and what, then aborts, which libFuzzer reports as a crash (and
// saves the input) and the standalone driver as a failed test. Unlike
// assert() it is never compiled out.
#ifndef HAYWIRE_FUZZ_CHECK_H_
#define HAYWIRE_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(condition)                                          \
  do {                                                                 \
    if (!(condition)) {                                                \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, \
                   __LINE__, #condition);                              \
      std::abort();                                                    \
    }                                                                  \
  } while (false)

// FUZZ_CHECK_NO_VIOLATION(text): `text` (a std::string saying what is wrong,
// "" when nothing is) must be empty; prints it otherwise.
#define FUZZ_CHECK_NO_VIOLATION(text)                                      \
  do {                                                                     \
    const std::string fuzz_violation = (text);                             \
    if (!fuzz_violation.empty()) {                                         \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s: %s\n", __FILE__, \
                   __LINE__, #text, fuzz_violation.c_str());               \
      std::abort();                                                        \
    }                                                                      \
  } while (false)

#endif  // HAYWIRE_FUZZ_CHECK_H_
