#!/usr/bin/env python3
"""Reads a Megatron indexed dataset the way Megatron-LM's _IndexReader and _MMapBinReader do
(megatron/core/datasets/indexed_dataset.py) and prints its documents' tokens as JSON: the
independent check of datamix's Megatron export (MegatronExportTest).

The same assertions as Megatron's reader: the header, version 1, a known dtype code; the arrays
taken at the same offsets; each document the concatenation of its sequences, each sequence read
at its pointer. With numpy (Megatron's own dependency) it uses numpy.memmap and frombuffer as
Megatron does; without it, the struct module.

Usage: python3 read_megatron.py PREFIX
"""
import json
import struct
import sys

HEADER = b"MMIDIDX\x00\x00"
DTYPES = {1: ("B", 1), 2: ("b", 1), 3: ("h", 2), 4: ("i", 4), 5: ("q", 8), 6: ("d", 8),
          7: ("f", 4), 8: ("H", 2)}
NUMPY_NAMES = {1: "uint8", 2: "int8", 3: "int16", 4: "int32", 5: "int64", 6: "float64",
               7: "float32", 8: "uint16"}


def main(prefix):
    with open(prefix + ".idx", "rb") as stream:
        header = stream.read(9)
        assert header == HEADER, "bad header, cannot read: " + prefix + ".idx"
        version = struct.unpack("<Q", stream.read(8))[0]
        assert version == 1, "bad version, cannot read: " + prefix + ".idx"
        code = struct.unpack("<B", stream.read(1))[0]
        assert code in DTYPES, "unknown dtype code %d" % code
        sequence_count = struct.unpack("<Q", stream.read(8))[0]
        document_count = struct.unpack("<Q", stream.read(8))[0]
        offset = stream.tell()
    fmt, size = DTYPES[code]
    try:
        import numpy
        idx = memoryview(numpy.memmap(prefix + ".idx", mode="r", order="C"))
        lengths = numpy.frombuffer(idx, dtype=numpy.int32, count=sequence_count, offset=offset)
        pointers = numpy.frombuffer(idx, dtype=numpy.int64, count=sequence_count,
                                    offset=offset + lengths.nbytes)
        doc_idx = numpy.frombuffer(idx, dtype=numpy.int64, count=document_count,
                                   offset=offset + lengths.nbytes + pointers.nbytes)
        data = memoryview(numpy.memmap(prefix + ".bin", mode="r", order="C"))
        dtype = getattr(numpy, NUMPY_NAMES[code])

        def sequence(i):
            return numpy.frombuffer(data, dtype=dtype, count=int(lengths[i]),
                                    offset=int(pointers[i])).tolist()
        reader = "numpy"
    except ImportError:
        with open(prefix + ".idx", "rb") as f:
            raw = f.read()
        lengths = struct.unpack_from("<%di" % sequence_count, raw, offset)
        pointers = struct.unpack_from("<%dq" % sequence_count, raw, offset + 4 * sequence_count)
        doc_idx = struct.unpack_from("<%dq" % document_count, raw, offset + 12 * sequence_count)
        with open(prefix + ".bin", "rb") as f:
            data = f.read()

        def sequence(i):
            return list(struct.unpack_from("<%d%s" % (lengths[i], fmt), data, pointers[i]))
        reader = "struct"
    documents = []
    for d in range(document_count - 1):
        tokens = []
        for s in range(int(doc_idx[d]), int(doc_idx[d + 1])):
            tokens.extend(sequence(s))
        documents.append(tokens)
    json.dump({"reader": reader, "dtype": NUMPY_NAMES[code], "sequences": sequence_count,
               "documents": documents}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
