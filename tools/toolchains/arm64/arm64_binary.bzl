"""arm64_binary: a cc_binary built for arm64 inside an ordinary build.

The VM test of an arm64 guest needs the static arm64 haywire as data while
the rest of the build (the host binary, the test runner) stays native. The
rule's `binary` attribute carries a transition to what --config=arm64 sets
(.bazelrc), so `bazel test //tools/vm:vm_e2e_arm64_test` builds both
without flags. The output is a symlink named after the rule.
"""

def _to_arm64_impl(settings, attr):
    return {
        "//command_line_option:crosstool_top": "//tools/toolchains/arm64:suite",
        "//command_line_option:cpu": "aarch64",
    }

_to_arm64 = transition(
    implementation = _to_arm64_impl,
    inputs = [],
    outputs = [
        "//command_line_option:crosstool_top",
        "//command_line_option:cpu",
    ],
)

def _arm64_binary_impl(ctx):
    # A transitioned attribute is a list (one entry per configuration).
    binary = ctx.attr.binary[0][DefaultInfo].files_to_run.executable
    out = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = out, target_file = binary, is_executable = True)
    return [DefaultInfo(
        files = depset([out]),
        runfiles = ctx.runfiles(files = [out]),
        executable = out,
    )]

arm64_binary = rule(
    implementation = _arm64_binary_impl,
    attrs = {
        "binary": attr.label(
            cfg = _to_arm64,
            executable = True,
            mandatory = True,
        ),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
    executable = True,
)
