#!/usr/bin/python3
"""Real models through faultline's ONNX trace against onnxruntime (the independent oracle).

For each model: seeded random inputs, onnxruntime-node on one thread with graph optimisation off
(tests/onnx/ort_reference.js), then `faultline run --backend onnx ... --output-dir`, which runs
the model's whole trace; every output must have onnxruntime's type and shape, and every element
lie within atol + rtol * |expected| of it (ONNX's node-test rule, atol widened for the deep
networks' sums). Prints the largest differences; exits 1 if a model disagrees.

    real_models.py FAULTLINE NODE ORT_SCRIPT NODE_MODULES NPM_MODELS TEST_MODELS WORK_DIR
"""
import json
import os
import subprocess
import sys

import numpy as np

faultline, node, ort_script, node_modules, npm_models, test_models, work = sys.argv[1:8]
node_environment = dict(os.environ, NODE_PATH=node_modules)
wake = os.path.join(npm_models, "openwakeword", "models")
ocr = os.path.join(npm_models, "ocr", "assets")
rng = np.random.default_rng(20261203)


def normal(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def audio(*shape):
    return rng.uniform(-2000.0, 2000.0, shape).astype(np.float32)


# name, model file, {input: value}, rtol, atol
MODELS = [
    ("openWakeWord alexa (MLP)", os.path.join(wake, "alexa_v0.1.onnx"),
     {"onnx::Flatten_0": normal(1, 16, 96)}, 1e-3, 1e-6),
    ("openWakeWord hey_mycroft (MLP, LayerNorm decomposed)", os.path.join(wake, "hey_mycroft_v0.1.onnx"),
     {"onnx::Flatten_0": normal(1, 16, 96)}, 1e-3, 1e-6),
    ("openWakeWord hey_rhasspy (MLP)", os.path.join(wake, "hey_rhasspy_v0.1.onnx"),
     {"onnx::Flatten_0": normal(1, 16, 96)}, 1e-3, 1e-6),
    ("openWakeWord timer (MLP, Softmax)", os.path.join(wake, "timer_v0.1.onnx"),
     {"onnx::Flatten_0": normal(1, 34, 96)}, 1e-3, 1e-6),
    ("openWakeWord weather (MLP)", os.path.join(wake, "weather_v0.1.onnx"),
     {"onnx::Flatten_0": normal(1, 22, 96)}, 1e-3, 1e-6),
    ("openWakeWord hey_jarvis (MLP, If)", os.path.join(wake, "hey_jarvis_v0.1.onnx"),
     {"x.1": normal(1, 16, 96)}, 1e-3, 1e-6),
    ("Silero VAD at 16 kHz (Conv, LSTM, If)", os.path.join(wake, "silero_vad.onnx"),
     {"input": rng.uniform(-1.0, 1.0, (1, 1536)).astype(np.float32), "sr": np.array(16000, dtype=np.int64),
      "h": 0.1 * normal(2, 1, 64), "c": 0.1 * normal(2, 1, 64)}, 1e-3, 1e-5),
    ("Silero VAD at 8 kHz (the If's other branch)", os.path.join(wake, "silero_vad.onnx"),
     {"input": rng.uniform(-1.0, 1.0, (1, 768)).astype(np.float32), "sr": np.array(8000, dtype=np.int64),
      "h": 0.1 * normal(2, 1, 64), "c": 0.1 * normal(2, 1, 64)}, 1e-3, 1e-5),
    ("openWakeWord melspectrogram (1-D Conv, Log)", os.path.join(wake, "melspectrogram.onnx"),
     {"input": audio(1, 1280)}, 1e-3, 1e-4),
    ("openWakeWord embedding (20 Conv CNN)", os.path.join(wake, "embedding_model.onnx"),
     {"input_1": normal(1, 76, 32, 1)}, 1e-3, 1e-4),
    ("PP-OCR text direction classifier (CNN)", os.path.join(ocr, "ch_ppocr_mobile_v2.0_cls_infer.onnx"),
     {"x": normal(1, 3, 48, 192)}, 1e-3, 1e-5),
    ("PP-OCRv4 text recogniser (CNN + attention)", os.path.join(ocr, "ch_PP-OCRv4_rec_infer.onnx"),
     {"x": normal(1, 3, 48, 160)}, 1e-3, 1e-5),
    ("PP-OCRv4 text detector (Conv, Resize, ConvTranspose)", os.path.join(ocr, "ch_PP-OCRv4_det_infer.onnx"),
     {"x": normal(1, 3, 160, 160)}, 1e-3, 1e-5),
    ("If, nested If, Loop and Scan, flag true (make_models.py)", os.path.join(test_models, "control_flow.onnx"),
     {"x": normal(1, 4), "flag": np.array(True)}, 1e-3, 1e-6),
    ("If, nested If, Loop and Scan, flag false", os.path.join(test_models, "control_flow.onnx"),
     {"x": normal(1, 4), "flag": np.array(False)}, 1e-3, 1e-6),
    ("transformer block (tests/onnx/make_models.py)", os.path.join(test_models, "transformer.onnx"),
     {"x": normal(1, 8, 16)}, 1e-3, 1e-5),
]

failures = []
print(f"{'model':56} {'outputs':>8} {'max |diff|':>11} {'max rel':>9}  steps")
for index, (name, path, inputs, rtol, atol) in enumerate(MODELS):
    folder = os.path.join(work, str(index))
    os.makedirs(folder, exist_ok=True)
    spec, arguments = {}, []
    for k, (input_name, value) in enumerate(inputs.items()):
        value.tofile(os.path.join(folder, f"in{k}.bin"))
        np.save(os.path.join(folder, f"in{k}.npy"), value)
        spec[input_name] = {"type": str(value.dtype), "shape": list(value.shape), "file": f"in{k}.bin"}
        arguments += ["--input", f"{input_name}={os.path.join(folder, f'in{k}.npy')}"]
    with open(os.path.join(folder, "spec.json"), "w") as f:
        json.dump(spec, f)
    reference = os.path.join(folder, "ort")
    subprocess.run([node, ort_script, path, os.path.join(folder, "spec.json"), reference], check=True,
                   env=node_environment)
    ours = os.path.join(folder, "faultline")
    os.makedirs(ours, exist_ok=True)
    run = subprocess.run([faultline, "run", "--backend", "onnx", path, *arguments, "--output-dir",
                          ours, "--json", "--progress", "none"], capture_output=True, text=True)
    if run.returncode != 0:
        failures.append(f"{name}: faultline run failed: {run.stderr.strip()}")
        print(f"{name:56} faultline run failed")
        continue
    summary = json.loads(run.stdout)
    if summary["status"] != "exited_ok":
        failures.append(f"{name}: the trace ended {summary['status']}: {summary.get('fault', '')}")
        continue
    with open(os.path.join(reference, "outputs.json")) as f:
        expected_outputs = json.load(f)
    worst_abs = worst_rel = 0.0
    for output_name, meta in expected_outputs.items():
        expected = np.fromfile(os.path.join(reference, meta["file"]), dtype=meta["type"]).reshape(meta["shape"])
        safe = "".join(c if c.isalnum() or c in "_-" else "_" for c in output_name) or "output"
        actual = np.load(os.path.join(ours, safe + ".npy"))
        if actual.dtype != expected.dtype or actual.shape != expected.shape:
            failures.append(f"{name}: output {output_name} is {actual.dtype} {actual.shape}, "
                            f"onnxruntime's {expected.dtype} {expected.shape}")
            continue
        difference = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
        worst_abs = max(worst_abs, float(difference.max(initial=0)))
        worst_rel = max(worst_rel, float((difference / np.maximum(np.abs(expected), 1e-30)).max(initial=0)))
        bad = difference > atol + rtol * np.abs(expected.astype(np.float64))
        if bad.any():
            failures.append(f"{name}: output {output_name}: {int(bad.sum())} of {bad.size} elements "
                            f"outside atol {atol} + rtol {rtol} (max |diff| {difference.max():.3g})")
    print(f"{name:56} {len(expected_outputs):>8} {worst_abs:>11.3g} {worst_rel:>9.3g}  {summary['steps']}")

for failure in failures:
    print("FAILED:", failure)
sys.exit(1 if failures else 0)
