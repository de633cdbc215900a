"""A gcc cross toolchain for static arm64 (aarch64) Linux binaries.

Debian's g++-aarch64-linux-gnu compiles and links; its own glibc and
libstdc++ (libc6-dev-arm64-cross, libstdc++-12-dev-arm64-cross) come with
it. The C++ libraries Haywire uses (Abseil, gflags, glog and the rest) are
Debian's arm64 -dev packages unpacked into SYSROOT by tools/arm64/setup:
their headers come before the cross compiler's, their static archives are
found by the same -l options as the native build's (third_party/system).
"""

load("@bazel_tools//tools/build_defs/cc:action_names.bzl", "ACTION_NAMES")
load(
    "@bazel_tools//tools/cpp:cc_toolchain_config_lib.bzl",
    "feature",
    "flag_group",
    "flag_set",
    "tool_path",
    "with_feature_set",
)

# Where tools/arm64/setup unpacks the arm64 -dev packages.
SYSROOT = "/var/cache/haywire-arm64/sysroot"

_PREFIX = "/usr/bin/aarch64-linux-gnu-"

_COMPILE_ACTIONS = [
    ACTION_NAMES.assemble,
    ACTION_NAMES.preprocess_assemble,
    ACTION_NAMES.c_compile,
    ACTION_NAMES.cpp_compile,
    ACTION_NAMES.cpp_header_parsing,
    ACTION_NAMES.cpp_module_compile,
    ACTION_NAMES.linkstamp_compile,
]

_LINK_ACTIONS = [
    ACTION_NAMES.cpp_link_executable,
    ACTION_NAMES.cpp_link_dynamic_library,
    ACTION_NAMES.cpp_link_nodeps_dynamic_library,
]

def _impl(ctx):
    tool_paths = [
        tool_path(name = name, path = _PREFIX + tool)
        for name, tool in [
            ("gcc", "gcc"),
            ("cpp", "cpp"),
            ("ld", "ld"),
            ("ar", "ar"),
            ("nm", "nm"),
            ("objcopy", "objcopy"),
            ("objdump", "objdump"),
            ("strip", "strip"),
            ("gcov", "gcov"),
        ]
    ]
    features = [
        feature(name = "opt"),
        feature(name = "dbg"),
        feature(name = "fastbuild"),
        # Bazel takes "-static" out of a target's linkopts and asks for this
        # feature instead (haywire:haywire_static).
        feature(
            name = "fully_static_link",
            flag_sets = [flag_set(
                actions = _LINK_ACTIONS,
                flag_groups = [flag_group(flags = ["-static"])],
            )],
        ),
        feature(
            name = "default_compile_flags",
            enabled = True,
            flag_sets = [
                flag_set(
                    actions = _COMPILE_ACTIONS,
                    flag_groups = [flag_group(flags = [
                        "-isystem",
                        SYSROOT + "/usr/include/aarch64-linux-gnu",
                        "-isystem",
                        SYSROOT + "/usr/include",
                        "-fstack-protector",
                        "-fno-omit-frame-pointer",
                        "-U_FORTIFY_SOURCE",
                    ])],
                ),
                flag_set(
                    actions = _COMPILE_ACTIONS,
                    flag_groups = [flag_group(flags = [
                        "-g0",
                        "-O2",
                        "-D_FORTIFY_SOURCE=1",
                        "-DNDEBUG",
                        "-ffunction-sections",
                        "-fdata-sections",
                    ])],
                    with_features = [with_feature_set(features = ["opt"])],
                ),
                flag_set(
                    actions = _COMPILE_ACTIONS,
                    flag_groups = [flag_group(flags = ["-g"])],
                    with_features = [with_feature_set(features = ["dbg"])],
                ),
            ],
        ),
        feature(
            name = "default_link_flags",
            enabled = True,
            flag_sets = [
                flag_set(
                    actions = _LINK_ACTIONS,
                    flag_groups = [flag_group(flags = [
                        "-L" + SYSROOT + "/usr/lib/aarch64-linux-gnu",
                        "-Wl,-z,relro,-z,now",
                        "-pass-exit-codes",
                    ])],
                ),
                # The C++ runtime: its archives for a fully static binary
                # (a target's linkopts may end with -Wl,-Bdynamic).
                flag_set(
                    actions = _LINK_ACTIONS,
                    flag_groups = [flag_group(flags = ["-lstdc++", "-lm"])],
                    with_features = [
                        with_feature_set(not_features = ["fully_static_link"]),
                    ],
                ),
                flag_set(
                    actions = _LINK_ACTIONS,
                    flag_groups = [flag_group(flags = [
                        "-Wl,-Bstatic",
                        "-lstdc++",
                        "-lm",
                    ])],
                    with_features = [with_feature_set(features = ["fully_static_link"])],
                ),
                flag_set(
                    actions = _LINK_ACTIONS,
                    flag_groups = [flag_group(flags = ["-Wl,--gc-sections"])],
                    with_features = [with_feature_set(features = ["opt"])],
                ),
            ],
        ),
    ]
    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        toolchain_identifier = "aarch64-linux-gnu-gcc",
        host_system_name = "x86_64-unknown-linux-gnu",
        target_system_name = "aarch64-unknown-linux-gnu",
        target_cpu = "aarch64",
        target_libc = "glibc",
        compiler = "gcc",
        abi_version = "gcc",
        abi_libc_version = "glibc",
        tool_paths = tool_paths,
        features = features,
        cxx_builtin_include_directories = [
            "/usr/aarch64-linux-gnu/include",
            "/usr/lib/gcc-cross/aarch64-linux-gnu",
            SYSROOT + "/usr/include",
        ],
    )

arm64_cc_toolchain_config = rule(
    implementation = _impl,
    attrs = {},
    provides = [CcToolchainConfigInfo],
)
