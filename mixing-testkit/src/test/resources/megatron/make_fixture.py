#!/usr/bin/env python3
"""Writes the Megatron indexed-dataset fixtures of MegatronIndexTest, independently of datamix.

Only Python's struct module: the layout of megatron/core/datasets/indexed_dataset.py
(_IndexWriter), little-endian: magic b"MMIDIDX\\x00\\x00", uint64 version 1, uint8 dtype code,
uint64 sequence count, uint64 document-index count (documents + 1), int32 sequence lengths,
int64 sequence byte offsets, int64 document indices (0, then each document's end sequence).
Tokens are the byte tokenizer's ids (one per UTF-8 byte, end-of-document 256), so the test can
decode them. Document 1 has two sequences, as preprocess_data.py writes with sentence splitting.

Run from this directory: python3 make_fixture.py
"""
import json
import struct

EOD = 256
DOCUMENTS = [
    ["The first document.\n"],
    ["A second one, ", "in two sequences.\n"],
    ["Three: \u00e9t\u00e9, caf\u00e9 (two-byte UTF-8).\n"],
    ["4\n"],
    ["The fifth and last document ends here.\n"],
]
CODES = {"uint16": (8, "H", 2), "int32": (4, "i", 4)}


def write(prefix, dtype):
    code, fmt, size = CODES[dtype]
    lengths, pointers, doc_idx = [], [], [0]
    data = bytearray()
    for doc in DOCUMENTS:
        for i, seq in enumerate(doc):
            tokens = list(seq.encode("utf-8"))
            if i == len(doc) - 1:
                tokens.append(EOD)  # --append-eod: the last sequence ends with the EOD token
            pointers.append(len(data))
            lengths.append(len(tokens))
            data += struct.pack("<%d%s" % (len(tokens), fmt), *tokens)
        doc_idx.append(len(lengths))
    with open(prefix + ".bin", "wb") as f:
        f.write(data)
    with open(prefix + ".idx", "wb") as f:
        f.write(b"MMIDIDX\x00\x00")
        f.write(struct.pack("<Q", 1))
        f.write(struct.pack("<B", code))
        f.write(struct.pack("<Q", len(lengths)))
        f.write(struct.pack("<Q", len(doc_idx)))
        f.write(struct.pack("<%di" % len(lengths), *lengths))
        f.write(struct.pack("<%dq" % len(pointers), *pointers))
        f.write(struct.pack("<%dq" % len(doc_idx), *doc_idx))


write("tiny_uint16", "uint16")
write("tiny_int32", "int32")
with open("tiny.expected.json", "w") as f:
    json.dump({"documents": ["".join(d) for d in DOCUMENTS], "eod": EOD}, f, indent=1,
              ensure_ascii=False)
    f.write("\n")
