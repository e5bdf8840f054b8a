// Writes the Hugging Face dataset fixtures of mixing-hf's tests with writers independent of
// datamix: Apache Arrow JS for the IPC stream files (the format datasets.save_to_disk writes
// through pyarrow's RecordBatchStreamWriter) and parquet-wasm, arrow-rs's Parquet writer, for
// the Parquet files. The JSON beside the Arrow files follows what `datasets` writes
// (dataset_info.json, state.json, dataset_dict.json). Deterministic: run it again and the
// files are byte-identical. Run from this directory: npm install && node make_fixtures.mjs
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm/esm/parquet_wasm.js';
import fs from 'fs';

await pw.default({ module_or_path: fs.readFileSync(
  'node_modules/parquet-wasm/esm/parquet_wasm_bg.wasm') });

// documents: ASCII, two-byte and four-byte UTF-8, a newline inside, an empty string, a null
function docs(prefix, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(`${prefix} document ${i}: caf\u00e9 \u{1F600} line one\nline two ${'x'.repeat(i % 7)}`);
  }
  return out;
}

function batches(texts, rows, largeText) {
  const out = [];
  for (let at = 0; at < texts.length; at += rows) {
    const part = texts.slice(at, at + rows);
    const text = arrow.vectorFromArray(part, largeText ? new arrow.LargeUtf8() : new arrow.Utf8());
    const id = arrow.vectorFromArray(part.map((_, i) => at + i), new arrow.Int32());
    out.push(new arrow.RecordBatch({ text: text.data[0], id: id.data[0] }));
  }
  return out;
}

function writeStream(file, texts, rows, largeText = false) {
  const table = new arrow.Table(batches(texts, rows, largeText));
  fs.writeFileSync(file, arrow.tableToIPC(table, 'stream'));
}

function info(largeText) {
  return {
    citation: '', description: 'datamix test fixture', homepage: '', license: '',
    features: {
      text: { dtype: largeText ? 'large_string' : 'string', _type: 'Value' },
      id: { dtype: 'int32', _type: 'Value' },
    },
  };
}

function state(files, split) {
  return {
    _data_files: files.map((f) => ({ filename: f })), _fingerprint: '0123456789abcdef',
    _format_columns: null, _format_kwargs: {}, _format_type: null,
    _output_all_columns: false, _split: split,
  };
}

function json(file, value) {
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

// 1. a Dataset saved with save_to_disk: two shards, several record batches each, a null text
fs.mkdirSync('saved', { recursive: true });
const saved = docs('saved', 23);
saved[5] = null;
saved[9] = '';
writeStream('saved/data-00000-of-00002.arrow', saved.slice(0, 12), 5);
writeStream('saved/data-00001-of-00002.arrow', saved.slice(12), 4);
json('saved/dataset_info.json', info(false));
json('saved/state.json', state(['data-00000-of-00002.arrow', 'data-00001-of-00002.arrow'],
  'train'));

// 2. a DatasetDict saved with save_to_disk: one directory per split, large_string text
for (const [split, n] of [['train', 30], ['validation', 6], ['test', 5]]) {
  fs.mkdirSync(`saved_dict/${split}`, { recursive: true });
  writeStream(`saved_dict/${split}/data-00000-of-00001.arrow`, docs(split, n), 8, true);
  json(`saved_dict/${split}/dataset_info.json`, info(true));
  json(`saved_dict/${split}/state.json`, state(['data-00000-of-00001.arrow'], split));
}
json('saved_dict/dataset_dict.json', { splits: ['train', 'validation', 'test'] });

// 3. Parquet as on the Hub (data/<split>-NNNNN-of-NNNNN.parquet): snappy with two row groups,
//    and zstd
fs.mkdirSync('parquet', { recursive: true });
function writeParquet(file, texts, compression, rowGroup) {
  const table = new arrow.Table(batches(texts, texts.length, false));
  const props = new pw.WriterPropertiesBuilder().setCompression(compression)
    .setMaxRowGroupSize(rowGroup).build();
  fs.writeFileSync(file, pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table,
    'stream')), props));
}
const train = docs('parquet', 40);
train[3] = null;
writeParquet('parquet/train-00000-of-00001.parquet', train, pw.Compression.SNAPPY, 25);
writeParquet('parquet/test-00000-of-00001.parquet', docs('parquet test', 7), pw.Compression.ZSTD,
  1000);
console.log('wrote saved/, saved_dict/ and parquet/');
