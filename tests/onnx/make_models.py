#!/usr/bin/python3
"""Writes the ONNX models of the loader tests into the folder given (python3-onnx's helpers)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261203)
W = rng.standard_normal((4, 3)).astype(np.float32)
B = rng.standard_normal((3,)).astype(np.float32)


def save(model, name, check=True):
    if check:
        onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, name))


def mlp(nodes=None, initializers=None, opset=13, name="mlp", inputs=None):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])
    if nodes is None:
        nodes = [helper.make_node("Gemm", ["x", "W", "B"], ["h"], name="gemm"),
                 helper.make_node("Relu", ["h"], ["y"], name="relu")]
    if initializers is None:
        initializers = [numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "B")]
    graph = helper.make_graph(nodes, name, inputs or [x], [y], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


save(mlp(), "mlp.onnx")
# The same graph with other node names and a doc string: the same commitment.
renamed = mlp(nodes=[helper.make_node("Gemm", ["x", "W", "B"], ["h"], name="first", doc_string="d"),
                     helper.make_node("Relu", ["h"], ["y"], name="second")])
renamed.doc_string = "another description"
save(renamed, "mlp_renamed.onnx")
# One attribute more (transB = 0 is Gemm's default, but it is a different graph).
save(mlp(nodes=[helper.make_node("Gemm", ["x", "W", "B"], ["h"], transB=0),
                helper.make_node("Relu", ["h"], ["y"])]), "mlp_attribute.onnx")
# Typed fields instead of raw_data: the same bytes, the same commitment.
typed = mlp(initializers=[helper.make_tensor("W", TensorProto.FLOAT, [4, 3], W.flatten().tolist()),
                          helper.make_tensor("B", TensorProto.FLOAT, [3], B.flatten().tolist())])
save(typed, "mlp_typed.onnx")

# W in an external file beside the model.
external = mlp()
w = external.graph.initializer[0]
with open(os.path.join(out, "mlp_weights.bin"), "wb") as f:
    f.write(b"\0" * 16 + W.tobytes())
w.ClearField("raw_data")
w.data_location = TensorProto.EXTERNAL
for key, value in (("location", "mlp_weights.bin"), ("offset", "16"), ("length", str(W.nbytes))):
    entry = w.external_data.add()
    entry.key, entry.value = key, value
onnx.save(external, os.path.join(out, "mlp_external.onnx"))


def with_location(location, name, length=None):
    model = onnx.ModelProto()
    model.CopyFrom(external)
    entries = model.graph.initializer[0].external_data
    for entry in entries:
        if entry.key == "location":
            entry.value = location
        if entry.key == "length" and length is not None:
            entry.value = length
    onnx.save(model, os.path.join(out, name))


with_location("../mlp_weights.bin", "escape_parent.onnx")
with_location("/etc/passwd", "escape_absolute.onnx")
with_location("no_such_file.bin", "missing_external.onnx")
with_location("mlp_weights.bin", "external_too_long.onnx", length="1000")
os.makedirs(os.path.join(out, "sub"), exist_ok=True)
link = os.path.join(out, "sub", "link.bin")
if os.path.lexists(link):
    os.remove(link)
os.symlink("/etc/hostname", link)
with_location("sub/link.bin", "escape_symlink.onnx")

# Bad graphs.
save(mlp(nodes=[helper.make_node("Relu", ["h"], ["y"]),
                helper.make_node("Gemm", ["x", "W", "B"], ["h"])]), "unsorted.onnx", check=False)
save(mlp(nodes=[helper.make_node("Gemm", ["x", "W", "B"], ["h"]),
                helper.make_node("Frobnicate", ["h"], ["y"])]), "unknown_op.onnx", check=False)
save(mlp(nodes=[helper.make_node("Gemm", ["x", "W", "B"], ["h"]),
                helper.make_node("Relu", ["nowhere"], ["y"])]), "missing_input.onnx", check=False)
save(mlp(opset=0), "opset0.onnx", check=False)
save(mlp(opset=18), "opset18.onnx", check=False)
save(mlp(nodes=[helper.make_node("Gemm", ["x", "W", "B"], ["h"]),
                helper.make_node("Relu", ["h"], ["y"], domain="ai.onnx.ml")]),
     "other_domain.onnx", check=False)
# Shapes that cannot broadcast: [1, 4] + [3].
save(mlp(nodes=[helper.make_node("Add", ["x", "B"], ["h"]), helper.make_node("Relu", ["h"], ["y"])]),
     "shape_mismatch.onnx", check=False)
# An initializer whose dimensions multiply past 2^62, and one with too few bytes.
huge = TensorProto(name="W", data_type=TensorProto.FLOAT, dims=[1 << 40, 1 << 40])
save(mlp(initializers=[huge, numpy_helper.from_array(B, "B")]), "huge_dims.onnx", check=False)
short = TensorProto(name="W", data_type=TensorProto.FLOAT, dims=[4, 3], raw_data=b"\0" * 7)
save(mlp(initializers=[short, numpy_helper.from_array(B, "B")]), "short_tensor.onnx", check=False)
# A string initializer: a type faultline does not run.
strings = TensorProto(name="S", data_type=TensorProto.STRING, dims=[1], string_data=[b"a"])
save(mlp(initializers=[numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "B"), strings]),
     "string_tensor.onnx", check=False)
# An If with two subgraphs: attributes that are graphs.
cond = helper.make_tensor_value_info("c", TensorProto.BOOL, [])
then_out = helper.make_tensor_value_info("t", TensorProto.FLOAT, [1, 4])
else_out = helper.make_tensor_value_info("e", TensorProto.FLOAT, [1, 4])
then_graph = helper.make_graph([helper.make_node("Relu", ["x"], ["t"])], "then", [], [then_out])
else_graph = helper.make_graph([helper.make_node("Neg", ["x"], ["e"])], "else", [], [else_out])
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
graph = helper.make_graph([helper.make_node("If", ["c"], ["y"], then_branch=then_graph,
                                            else_branch=else_graph)], "if", [cond, x], [y])
save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), "if.onnx")

# An input for the MLP and numpy's output for it (float32 throughout).
x_value = rng.standard_normal((1, 4)).astype(np.float32)
y_value = np.maximum(x_value @ W + B, 0).astype(np.float32)
with open(os.path.join(out, "mlp_input.pb"), "wb") as f:
    f.write(numpy_helper.from_array(x_value, "x").SerializeToString())
with open(os.path.join(out, "mlp_expected.pb"), "wb") as f:
    f.write(numpy_helper.from_array(y_value, "y").SerializeToString())

# The trace tests' model: two inputs, a tensor attribute (Constant), an optional output left
# out (MaxPool's Indices) and one made but never read (Dropout's mask), a value read by two
# nodes, and two graph outputs, one of them also read later.
xt = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, 6, 6])
bt = helper.make_tensor_value_info("bias", TensorProto.FLOAT, [1, 4])
probabilities = helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 4])
pooled_out = helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [1, 2, 3, 3])
conv_w = rng.standard_normal((2, 1, 3, 3)).astype(np.float32)
conv_b = rng.standard_normal((2,)).astype(np.float32)
dense_w = rng.standard_normal((18, 4)).astype(np.float32)
nodes = [
    helper.make_node("Conv", ["image", "conv_w", "conv_b"], ["conv"], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["conv"], ["relu"]),
    helper.make_node("Constant", [], ["half"],
                     value=numpy_helper.from_array(np.array([0.5], np.float32))),
    helper.make_node("Mul", ["relu", "half"], ["scaled"]),
    helper.make_node("MaxPool", ["scaled"], ["pooled"], kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("Flatten", ["pooled"], ["flat"]),
    helper.make_node("MatMul", ["flat", "dense_w"], ["dense"]),
    helper.make_node("Add", ["dense", "bias"], ["logits"]),
    helper.make_node("Dropout", ["logits"], ["kept", "mask"]),
    helper.make_node("Add", ["kept", "logits"], ["doubled"]),
    helper.make_node("Softmax", ["doubled"], ["probabilities"], axis=1),
]
graph = helper.make_graph(nodes, "trace", [xt, bt], [probabilities, pooled_out],
                          [numpy_helper.from_array(conv_w, "conv_w"),
                           numpy_helper.from_array(conv_b, "conv_b"),
                           numpy_helper.from_array(dense_w, "dense_w")])
save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), "trace.onnx")
for name, value in (("trace_image.pb", rng.standard_normal((1, 1, 6, 6)).astype(np.float32)),
                    ("trace_bias.pb", rng.standard_normal((1, 4)).astype(np.float32))):
    with open(os.path.join(out, name), "wb") as f:
        f.write(numpy_helper.from_array(value).SerializeToString())
    np.save(os.path.join(out, name.replace(".pb", ".npy")), value)

# A Reshape to a shape given at run time: a shape that does not fit faults the trace.
xr = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
sr = helper.make_tensor_value_info("shape", TensorProto.INT64, [2])
yr = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["a", "b"])
graph = helper.make_graph([helper.make_node("Relu", ["x"], ["r"]),
                           helper.make_node("Reshape", ["r", "shape"], ["y"])],
                          "reshape", [xr, sr], [yr])
save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), "reshape.onnx")

# An output whose name is a path out of any folder: `run --output-dir` must keep it inside.
xh = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])
yh = helper.make_tensor_value_info("../escaped", TensorProto.FLOAT, [2])
graph = helper.make_graph([helper.make_node("Relu", ["x"], ["../escaped"])], "hostile", [xh], [yh])
save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), "hostile_name.onnx")
np.save(os.path.join(out, "hostile_input.npy"), np.array([-1, 2], np.float32))

# A transformer block (pre-norm, two attention heads, a GELU MLP written with Erf): the
# real-model tests run it against onnxruntime.
def transformer_block():
    d, heads, seq, hidden = 16, 2, 8, 32
    dh = d // heads
    weights = {name: rng.standard_normal(shape).astype(np.float32) * 0.3 for name, shape in (
        ("wq", (d, d)), ("wk", (d, d)), ("wv", (d, d)), ("wo", (d, d)),
        ("w1", (d, hidden)), ("w2", (hidden, d)))}
    weights.update({"g1": np.ones(d, np.float32) + 0.1 * rng.standard_normal(d).astype(np.float32),
                    "b1": 0.1 * rng.standard_normal(d).astype(np.float32),
                    "g2": np.ones(d, np.float32), "b2": np.zeros(d, np.float32),
                    "c1": 0.1 * rng.standard_normal(hidden).astype(np.float32),
                    "c2": 0.1 * rng.standard_normal(d).astype(np.float32),
                    "heads_shape": np.array([1, seq, heads, dh], np.int64),
                    "model_shape": np.array([1, seq, d], np.int64),
                    "scale": np.array(np.sqrt(dh), np.float32),
                    "sqrt2": np.array(np.sqrt(2.0), np.float32),
                    "one": np.array(1.0, np.float32), "half": np.array(0.5, np.float32)})
    n = helper.make_node
    nodes = [
        n("LayerNormalization", ["x", "g1", "b1"], ["ln1"], axis=-1, epsilon=1e-5),
        n("MatMul", ["ln1", "wq"], ["q"]), n("MatMul", ["ln1", "wk"], ["k"]),
        n("MatMul", ["ln1", "wv"], ["v"]),
        n("Reshape", ["q", "heads_shape"], ["q4"]), n("Transpose", ["q4"], ["qh"], perm=[0, 2, 1, 3]),
        n("Reshape", ["k", "heads_shape"], ["k4"]), n("Transpose", ["k4"], ["kt"], perm=[0, 2, 3, 1]),
        n("Reshape", ["v", "heads_shape"], ["v4"]), n("Transpose", ["v4"], ["vh"], perm=[0, 2, 1, 3]),
        n("MatMul", ["qh", "kt"], ["scores"]), n("Div", ["scores", "scale"], ["scaled"]),
        n("Softmax", ["scaled"], ["attention"], axis=-1), n("MatMul", ["attention", "vh"], ["context"]),
        n("Transpose", ["context"], ["context_t"], perm=[0, 2, 1, 3]),
        n("Reshape", ["context_t", "model_shape"], ["merged"]), n("MatMul", ["merged", "wo"], ["attended"]),
        n("Add", ["x", "attended"], ["h1"]),
        n("LayerNormalization", ["h1", "g2", "b2"], ["ln2"], axis=-1, epsilon=1e-5),
        n("MatMul", ["ln2", "w1"], ["f1"]), n("Add", ["f1", "c1"], ["f1b"]),
        n("Div", ["f1b", "sqrt2"], ["f1s"]), n("Erf", ["f1s"], ["erf"]), n("Add", ["erf", "one"], ["erf1"]),
        n("Mul", ["f1b", "erf1"], ["gelu2"]), n("Mul", ["gelu2", "half"], ["gelu"]),
        n("MatMul", ["gelu", "w2"], ["f2"]), n("Add", ["f2", "c2"], ["f2b"]),
        n("Add", ["h1", "f2b"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "transformer_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, seq, d])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, seq, d])],
        [numpy_helper.from_array(value, name) for name, value in weights.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


save(transformer_block(), "transformer.onnx")


# Control flow (own random stream, so the models above keep their weights): an If whose
# branches read main-graph values, one of them through a nested If that also reads a value of
# its enclosing branch; a Loop carrying a value and stacking a scan output, its body reading a
# main-graph value; a Scan over that stack, its output stacked in reverse.
def control_flow():
    control_rng = np.random.default_rng(20261204)
    f = TensorProto.FLOAT

    def info(name, shape, kind=f):
        return helper.make_tensor_value_info(name, kind, shape)

    nested_then = helper.make_graph([helper.make_node("Identity", ["e0"], ["n"])], "nested_then",
                                    [], [info("n", [1, 4])])
    nested_else = helper.make_graph([helper.make_node("Mul", ["e0", "x"], ["m"])], "nested_else",
                                    [], [info("m", [1, 4])])
    then_branch = helper.make_graph([helper.make_node("Add", ["h", "x"], ["t0"]),
                                     helper.make_node("Relu", ["t0"], ["t"])],
                                    "then", [], [info("t", [1, 4])])
    else_branch = helper.make_graph([helper.make_node("Neg", ["h"], ["e0"]),
                                     helper.make_node("If", ["flag"], ["e"], then_branch=nested_then,
                                                      else_branch=nested_else)],
                                    "else", [], [info("e", [1, 4])])
    loop_body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Add", ["acc", "h"], ["acc_next"]),
         helper.make_node("Identity", ["acc_next"], ["acc_seen"])],
        "loop_body", [info("iteration", [], TensorProto.INT64), info("cond_in", [], TensorProto.BOOL),
                      info("acc", [1, 4])],
        [info("cond_out", [], TensorProto.BOOL), info("acc_next", [1, 4]), info("acc_seen", [1, 4])])
    scan_body = helper.make_graph(
        [helper.make_node("Add", ["sum", "slice"], ["sum_next"]),
         helper.make_node("Mul", ["sum_next", "x"], ["scanned"])],
        "scan_body", [info("sum", [1, 4]), info("slice", [1, 4])],
        [info("sum_next", [1, 4]), info("scanned", [1, 4])])
    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["h"]),
        helper.make_node("If", ["flag"], ["chosen"], then_branch=then_branch, else_branch=else_branch),
        helper.make_node("Loop", ["trips", "", "chosen"], ["looped", "stack"], body=loop_body),
        helper.make_node("Scan", ["chosen", "stack"], ["summed", "scan_out"], body=scan_body,
                         num_scan_inputs=1, scan_output_directions=[1]),
        helper.make_node("Add", ["looped", "summed"], ["z"]),
    ]
    graph = helper.make_graph(
        nodes, "control_flow", [info("x", [1, 4]), info("flag", [], TensorProto.BOOL)],
        [info("z", [1, 4]), info("scan_out", [3, 1, 4])],
        [numpy_helper.from_array(control_rng.standard_normal((4, 4)).astype(np.float32), "W"),
         numpy_helper.from_array(np.array(3, np.int64), "trips")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


save(control_flow(), "control_flow.onnx")
for name, value in (("control_x.npy", np.random.default_rng(20261205).standard_normal((1, 4)).astype(np.float32)),
                    ("control_true.npy", np.array(True)), ("control_false.npy", np.array(False))):
    np.save(os.path.join(out, name), value)


# A Loop that nothing stops (no trip count, its condition always true): it must fault once its
# subgraph budget is spent, on both sides of a dispute.
def endless_loop():
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Identity", ["v"], ["v_next"])],
        "body", [helper.make_tensor_value_info("i", TensorProto.INT64, []),
                 helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
                 helper.make_tensor_value_info("v", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_next", TensorProto.FLOAT, [1, 4])])
    graph = helper.make_graph(
        [helper.make_node("Constant", [], ["go"], value=numpy_helper.from_array(np.array(True))),
         helper.make_node("Loop", ["", "go", "x"], ["y"], body=body)],
        "endless", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


save(endless_loop(), "endless_loop.onnx")


# Ifs nested one deeper than faultline's limit (kMaxGraphDepth = 16), each else branch a leaf.
def deep_ifs(depth):
    def leaf(name):
        return helper.make_graph([helper.make_node("Identity", ["x"], [name])], "leaf", [],
                                 [helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, 4])])
    inner = leaf("y0")
    for level in range(1, depth + 1):
        name = "y" + str(level)
        inner = helper.make_graph(
            [helper.make_node("If", ["c"], [name], then_branch=inner, else_branch=leaf("e" + name))],
            "level" + str(level), [], [helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, 4])])
    graph = helper.make_graph(inner.node, "deep",
                              [helper.make_tensor_value_info("c", TensorProto.BOOL, []),
                               helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              list(inner.output))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


save(deep_ifs(17), "deep_ifs.onnx", check=False)
save(deep_ifs(16), "deepest_ifs.onnx", check=False)
