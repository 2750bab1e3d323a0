#!/usr/bin/python3
"""The ONNX backend's speed against onnxruntime, measured in one run (docs/benchmarks.md).

For each model of tests/onnx/real_models.py: onnxruntime-node on one thread with its default
graph optimisation ('all') and with none (tests/onnx/ort_reference.js, timed), then faultline_onnx_speed (plain inference, the trace
with a state commitment after every step, witnesses). Prints a Markdown table of medians and
ratios.

    onnx_speed.py BUILD_DIR [REPETITIONS]    (from the repository's root, after make build)
"""
import json
import os
import subprocess
import sys

import numpy as np

build = sys.argv[1]
repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 50
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
wake = os.path.join(root, "tools/npm/models/openwakeword/models")
ocr = os.path.join(root, "tools/npm/models/ocr/assets")
environment = dict(os.environ, NODE_PATH=os.path.join(root, "tools/npm/node_modules"))
work = os.path.join(build, "onnx-speed")
rng = np.random.default_rng(1)

MODELS = [
    ("openWakeWord alexa (MLP)", f"{wake}/alexa_v0.1.onnx", {"onnx::Flatten_0": (1, 16, 96)}),
    ("openWakeWord timer (MLP)", f"{wake}/timer_v0.1.onnx", {"onnx::Flatten_0": (1, 34, 96)}),
    ("openWakeWord melspectrogram", f"{wake}/melspectrogram.onnx", {"input": (1, 1280)}),
    ("openWakeWord embedding CNN", f"{wake}/embedding_model.onnx", {"input_1": (1, 76, 32, 1)}),
    ("PP-OCR direction classifier CNN", f"{ocr}/ch_ppocr_mobile_v2.0_cls_infer.onnx", {"x": (1, 3, 48, 192)}),
    ("PP-OCRv4 recogniser", f"{ocr}/ch_PP-OCRv4_rec_infer.onnx", {"x": (1, 3, 48, 320)}),
    ("transformer block", f"{build}/tests/onnx_models/transformer.onnx", {"x": (1, 8, 16)}),
]

print(f"{repetitions} repetitions, medians in ms; onnxruntime-node on one thread")
print()
print("| model | steps | onnxruntime (all) | onnxruntime (none) | faultline inference | ratio to ort (all) "
      "| trace, every step committed | committed / inference | witness per step |")
print("|---|---|---|---|---|---|---|---|---|")
for index, (name, path, shapes) in enumerate(MODELS):
    folder = os.path.join(work, str(index))
    os.makedirs(folder, exist_ok=True)
    spec, arguments = {}, []
    for k, (input_name, shape) in enumerate(shapes.items()):
        value = rng.standard_normal(shape).astype(np.float32)
        value.tofile(os.path.join(folder, f"in{k}.bin"))
        np.save(os.path.join(folder, f"in{k}.npy"), value)
        spec[input_name] = {"type": "float32", "shape": list(shape), "file": f"in{k}.bin"}
        arguments.append(f"{input_name}={os.path.join(folder, f'in{k}.npy')}")
    with open(os.path.join(folder, "spec.json"), "w") as f:
        json.dump(spec, f)
    ort = {}
    for level in ("all", "disabled"):
        out = subprocess.run(["node", os.path.join(root, "tests/onnx/ort_reference.js"), path,
                              os.path.join(folder, "spec.json"), os.path.join(folder, "ort-" + level),
                              level, str(repetitions)],
                             env=environment, check=True, capture_output=True, text=True)
        ort[level] = float(out.stdout)
    ours = json.loads(subprocess.run([os.path.join(build, "bench/faultline_onnx_speed"), path,
                                      str(repetitions), *arguments],
                                     check=True, capture_output=True, text=True).stdout)
    print(f"| {name} | {ours['steps']} | {ort['all']:.3f} | {ort['disabled']:.3f} | "
          f"{ours['inference_ms']:.3f} | {ours['inference_ms'] / ort['all']:.2f}× | "
          f"{ours['committed_ms']:.3f} | {ours['committed_ms'] / ours['inference_ms']:.2f}× | "
          f"{ours['witness_ms_per_step']:.3f} |", flush=True)
