// The person-segmentation model for background effects, ready for MediaPipe's ImageSegmenter.
//
// @mediapipe/selfie_segmentation ships selfie_segmentation_landscape.tflite (Apache-2.0) without TFLite
// metadata; @mediapipe/tasks-vision refuses a float model without it ("requires specifying
// NormalizationOptions metadata"). This adds the metadata the model card states: one RGB input
// (256×144 for the landscape model Treff uses, made for 16:9 pictures) whose values are 0..1 (mean 0, std 255 from 0..255 pixels) and one output, the
// person's confidence per pixel. The weights are untouched: the new model table, its metadata
// entry and a buffer holding the metadata go in front of the original bytes, and every offset
// of the new part points forward into them (FlatBuffers' offsets are relative, so the old part
// stays valid where it is, moved by a multiple of 16 bytes to keep the weights aligned).
import * as flatbuffers from "flatbuffers";

/** The TFLite metadata (metadata_schema.fbs, file identifier M001) for the selfie segmentation model. */
export function selfieMetadata(width = 256, height = 144) {
  const b = new flatbuffers.Builder(512);
  const floats = (values) => {
    b.startVector(4, values.length, 4);
    for (const value of [...values].reverse()) b.addFloat32(value);
    return b.endVector();
  };
  const offsets = (values) => {
    b.startVector(4, values.length, 4);
    for (const value of [...values].reverse()) b.addOffset(value);
    return b.endVector();
  };
  // ImageProperties { color_space, default_size }; ImageSize { width, height }.
  const image = (colorSpace) => {
    b.startObject(2);
    b.addFieldInt32(0, width, 0);
    b.addFieldInt32(1, height, 0);
    const size = b.endObject();
    b.startObject(2);
    b.addFieldInt8(0, colorSpace, 0);
    b.addFieldOffset(1, size, 0);
    return b.endObject();
  };
  // Content { content_properties_type, content_properties, range }: 2 = ImageProperties.
  const content = (properties) => {
    b.startObject(3);
    b.addFieldInt8(0, 2, 0);
    b.addFieldOffset(1, properties, 0);
    return b.endObject();
  };
  // NormalizationOptions { mean, std } inside ProcessUnit { options_type = 1, options }.
  const mean = floats([0]);
  const std = floats([255]);
  b.startObject(2);
  b.addFieldOffset(0, mean, 0);
  b.addFieldOffset(1, std, 0);
  const normalization = b.endObject();
  b.startObject(2);
  b.addFieldInt8(0, 1, 0);
  b.addFieldOffset(1, normalization, 0);
  const processUnit = b.endObject();
  // TensorMetadata { name 0, description 1, dimension_names 2, content 3, process_units 4, … }.
  const tensor = (name, properties, units) => {
    const nameOffset = b.createString(name);
    const contentOffset = content(properties);
    const unitsOffset = units ? offsets(units) : 0;
    b.startObject(7);
    b.addFieldOffset(0, nameOffset, 0);
    b.addFieldOffset(3, contentOffset, 0);
    if (unitsOffset) b.addFieldOffset(4, unitsOffset, 0);
    return b.endObject();
  };
  const input = tensor("image", image(1), [processUnit]);
  const output = tensor("segmentation", image(2), undefined);
  const inputs = offsets([input]);
  const outputs = offsets([output]);
  // SubGraphMetadata { name 0, description 1, input_tensor_metadata 2, output_tensor_metadata 3, … }.
  b.startObject(7);
  b.addFieldOffset(2, inputs, 0);
  b.addFieldOffset(3, outputs, 0);
  const subgraph = b.endObject();
  const subgraphs = offsets([subgraph]);
  const name = b.createString("Selfie segmentation");
  const license = b.createString("Apache-2.0");
  const parser = b.createString("1.0.0");
  // ModelMetadata { name 0, description 1, version 2, subgraph_metadata 3, author 4, license 5, associated_files 6, min_parser_version 7 }.
  b.startObject(8);
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(3, subgraphs, 0);
  b.addFieldOffset(5, license, 0);
  b.addFieldOffset(7, parser, 0);
  b.finish(b.endObject(), "M001");
  return b.asUint8Array();
}

/** A table's fields as absolute positions (undefined: absent), read through its vtable. */
function fields(view, table) {
  const vtable = table - view.getInt32(table, true);
  const count = (view.getUint16(vtable, true) - 4) / 2;
  return Array.from({ length: count }, (_, i) => {
    const at = view.getUint16(vtable + 4 + 2 * i, true);
    return at ? table + at : undefined;
  });
}

/** The model with `metadata` added as its TFLITE_METADATA entry. */
export function withMetadata(model, metadata) {
  const old = new DataView(model.buffer, model.byteOffset, model.byteLength);
  const root = old.getUint32(0, true);
  const modelFields = fields(old, root);
  const target = (field) => (field === undefined ? undefined : field + old.getUint32(field, true));
  const vectorItems = (field) => {
    const vector = target(field);
    if (vector === undefined) return [];
    return Array.from({ length: old.getUint32(vector, true) }, (_, i) => vector + 4 + 4 * i + old.getUint32(vector + 4 + 4 * i, true));
  };
  const buffers = vectorItems(modelFields[4]);
  const metadataEntries = vectorItems(modelFields[6]);

  // The new part, laid out front to back; `refs` are patched once every position is known.
  const out = [];
  let size = 0;
  const place = (bytes, align = 4) => {
    size += (align - (size % align)) % align;
    const at = size;
    out.push({ at, bytes });
    size += bytes.length;
    return at;
  };
  const u32 = (...values) => {
    const bytes = new Uint8Array(4 * values.length);
    const view = new DataView(bytes.buffer);
    values.forEach((value, i) => view.setUint32(4 * i, value, true));
    return bytes;
  };
  const refs = []; // { from: position of a uoffset in the new part, to: () => absolute position in the final file }
  let prefix = 0; // the new part's length, rounded up to 16 (known at the end)
  const oldPosition = (position) => () => prefix + position;

  place(u32(0)); // root offset, patched
  place(new TextEncoder().encode("TFL3"));
  // The model table: vtable of 8 fields, then the table (soffset + 8 four-byte slots).
  const vtable = new Uint8Array(4 + 2 * 8);
  const vview = new DataView(vtable.buffer);
  vview.setUint16(0, vtable.length, true);
  vview.setUint16(2, 4 + 4 * 8, true);
  // Absent fields stay absent (0 in the vtable); buffers (4) and metadata (6) are always there now.
  const present = (i) => i === 0 || i === 4 || i === 6 || modelFields[i] !== undefined;
  for (let i = 0; i < 8; i++) vview.setUint16(4 + 2 * i, present(i) ? 4 + 4 * i : 0, true);
  const vtableAt = place(vtable, 4);
  const tableAt = place(new Uint8Array(4 + 4 * 8), 4);
  const table = out.at(-1).bytes;
  new DataView(table.buffer).setInt32(0, tableAt - vtableAt, true);
  refs.push({ from: 0, to: () => tableAt });
  // version (a scalar) as it was; the other fields point into the old part, except buffers and metadata.
  new DataView(table.buffer).setUint32(4, modelFields[0] === undefined ? 0 : old.getUint32(modelFields[0], true), true);
  for (const index of [1, 2, 3, 5, 7]) {
    const to = target(modelFields[index]);
    if (to !== undefined) refs.push({ from: tableAt + 4 + 4 * index, to: oldPosition(to) });
  }
  // buffers: the old ones and one more holding the metadata.
  const buffersAt = place(u32(buffers.length + 1, ...buffers.map(() => 0), 0));
  buffers.forEach((buffer, i) => refs.push({ from: buffersAt + 4 + 4 * i, to: oldPosition(buffer) }));
  refs.push({ from: tableAt + 4 + 4 * 4, to: () => buffersAt });
  // metadata: the old entries and TFLITE_METADATA → the new buffer.
  const entriesAt = place(u32(metadataEntries.length + 1, ...metadataEntries.map(() => 0), 0));
  metadataEntries.forEach((entry, i) => refs.push({ from: entriesAt + 4 + 4 * i, to: oldPosition(entry) }));
  refs.push({ from: tableAt + 4 + 4 * 6, to: () => entriesAt });
  // Metadata { name, buffer } and Buffer { data }: each a table with its vtable in front.
  const smallTable = (fieldCount) => {
    const vt = new Uint8Array(4 + 2 * fieldCount);
    const v = new DataView(vt.buffer);
    v.setUint16(0, vt.length, true);
    v.setUint16(2, 4 + 4 * fieldCount, true);
    for (let i = 0; i < fieldCount; i++) v.setUint16(4 + 2 * i, 4 + 4 * i, true);
    const vAt = place(vt);
    const tAt = place(new Uint8Array(4 + 4 * fieldCount));
    new DataView(out.at(-1).bytes.buffer).setInt32(0, tAt - vAt, true);
    return { at: tAt, view: new DataView(out.at(-1).bytes.buffer) };
  };
  const entry = smallTable(2);
  entry.view.setUint32(8, buffers.length, true);
  refs.push({ from: entriesAt + 4 + 4 * metadataEntries.length, to: () => entry.at });
  const name = new TextEncoder().encode("TFLITE_METADATA");
  const nameAt = place(new Uint8Array([...u32(name.length), ...name, 0]));
  refs.push({ from: entry.at + 4, to: () => nameAt });
  const buffer = smallTable(1);
  refs.push({ from: buffersAt + 4 + 4 * buffers.length, to: () => buffer.at });
  // The data vector's bytes start 16-aligned (its length word just before them).
  size += (16 - ((size + 4) % 16)) % 16;
  const dataAt = place(new Uint8Array([...u32(metadata.length), ...metadata]));
  refs.push({ from: buffer.at + 4, to: () => dataAt });

  prefix = Math.ceil(size / 16) * 16;
  const result = new Uint8Array(prefix + model.length);
  for (const { at, bytes } of out) result.set(bytes, at);
  result.set(model, prefix);
  const view = new DataView(result.buffer);
  for (const { from, to } of refs) view.setUint32(from, to() - from, true);
  return result;
}
