#!/usr/bin/env node
// onnxruntime-node's median inference time for bench/onnx_speed.py, on one thread.
//
//   node ort_speed.js MODEL.onnx SPEC.json LEVEL REPETITIONS
//
// SPEC.json as tests/onnx/ort_reference.js reads it; LEVEL an onnxruntime graph optimisation
// level ('all' is its default, 'disabled' what the tests compare with). Prints the median in ms.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const ARRAYS = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array,
  int32: Int32Array, int64: BigInt64Array, bool: Uint8Array,
};

async function main() {
  const [model, specFile, level, repetitions] = process.argv.slice(2);
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
  await session.run(feeds);  // warm-up
  const times = [];
  for (let i = 0; i < Number(repetitions); ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(times[Math.floor(times.length / 2)].toFixed(4));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
