"""haywire_fuzzer: one fuzz target, built two ways.

Each target is a source file defining LLVMFuzzerTestOneInput. It becomes:

  <name>_fuzzer       a binary: under the fuzz build (tools/fuzz,
                      --config=fuzz: clang-14, -fsanitize=fuzzer) a libFuzzer
                      binary; under the normal gcc build the standalone
                      driver, which runs the inputs named on its command line.
  <name>_fuzz_test    a test: the standalone driver over every file of
                      testdata/fuzz/<name>/ (seeds and crash-* regression
                      inputs), so `bazel test` replays the corpus in every
                      configuration (plain, asan, tsan, ubsan).
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library", "cc_test")

def haywire_fuzzer(name, srcs, deps):
    lib = name + "_fuzzer_lib"
    cc_library(
        name = lib,
        testonly = True,
        srcs = srcs,
        deps = deps,
        # Nothing references LLVMFuzzerTestOneInput but the driver.
        alwayslink = True,
    )
    cc_binary(
        name = name + "_fuzzer",
        testonly = True,
        deps = [":" + lib] + select({
            "//haywire/fuzz:fuzzing": [],
            "//conditions:default": ["//haywire/fuzz:standalone_main"],
        }),
        linkopts = select({
            "//haywire/fuzz:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
    )
    cc_test(
        name = name + "_fuzz_test",
        size = "small",
        deps = [
            ":" + lib,
            "//haywire/fuzz:standalone_main",
        ],
        data = ["//testdata:fuzz_" + name],
        args = ["testdata/fuzz/" + name],
        # One thread: ThreadSanitizer has nothing to check (tools/test).
        tags = ["no_tsan"],
    )
