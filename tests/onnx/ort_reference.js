#!/usr/bin/env node
// The independent oracle of tests/onnx/real_models.py: runs a model in onnxruntime-node on one
// thread and writes its outputs.
//
//   node ort_reference.js MODEL.onnx SPEC.json OUT_DIR [disabled|all [REPETITIONS]]
//
// SPEC.json: {"NAME": {"type": "float32", "shape": [1, 16, 96], "file": "x.bin"}, ...}, each file
// the tensor's little-endian bytes in row-major order. For each output it writes OUT_DIR/K.bin
// (K its index) and OUT_DIR/outputs.json in the same form, names included. Graph optimisation
// is off by default: with it on, onnxruntime changes some outputs' low bits. With REPETITIONS
// (bench/onnx_speed.py) it also runs the model that many times more and prints the median in ms.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const ARRAYS = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  int64: BigInt64Array, uint64: BigUint64Array, bool: Uint8Array,
};

async function main() {
  const [model, specFile, outDir, level = 'disabled', repetitions = '0'] = process.argv.slice(2);
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8'));
  const feeds = {};
  for (const [name, input] of Object.entries(spec)) {
    const bytes = fs.readFileSync(path.resolve(path.dirname(specFile), input.file));
    const data = new ARRAYS[input.type](bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    feeds[name] = new ort.Tensor(input.type, data, input.shape);
  }
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: level,
  });
  const results = await session.run(feeds);
  fs.mkdirSync(outDir, { recursive: true });
  const outputs = {};
  session.outputNames.forEach((name, index) => {
    const tensor = results[name];
    const file = `${index}.bin`;
    const view = tensor.data;
    fs.writeFileSync(path.join(outDir, file), Buffer.from(view.buffer, view.byteOffset, view.byteLength));
    outputs[name] = { type: tensor.type, shape: tensor.dims.map(Number), file };
  });
  fs.writeFileSync(path.join(outDir, 'outputs.json'), JSON.stringify(outputs));
  if (Number(repetitions) > 0) {
    const times = [];
    for (let i = 0; i < Number(repetitions); ++i) {
      const start = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(times[Math.floor(times.length / 2)].toFixed(4));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
