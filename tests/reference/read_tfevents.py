"""Reads a TensorBoard event file with nothing but the standard library (no tensorboard/tensorflow package is
available to Debian's python3 here): TFRecord framing with masked CRC-32C checks, then the Event protobuf.

    /usr/bin/python3 tests/reference/read_tfevents.py tests/Strata.Tests/fixtures/serialization/strata_written.tfevents

The committed output for Strata's sample run is tests/reference/read_tfevents.log. When Debian's python3-protobuf
is installed (apt-get install python3-protobuf), every record is also parsed by the real protobuf runtime against
the Event/Summary schema of tensorflow/core/util/event.proto and summary.proto (the fields used here) and compared.
"""
import struct
import sys


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked_crc(data):
    c = crc32c(data)
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def records(blob):
    pos = 0
    while pos < len(blob):
        header = blob[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", blob[pos + 8:pos + 12])
        if length_crc != masked_crc(header):
            raise ValueError(f"record at {pos}: bad length CRC")
        data = blob[pos + 12:pos + 12 + length]
        (data_crc,) = struct.unpack("<I", blob[pos + 12 + length:pos + 16 + length])
        if len(data) != length or data_crc != masked_crc(data):
            raise ValueError(f"record at {pos}: bad data CRC or truncated")
        yield data
        pos += 16 + length


def varint(buf, pos):
    result, shift = 0, 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def fields(buf):
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        elif wire == 2:
            n, pos = varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield number, wire, value


def decode_event(buf):
    event = {"wall_time": 0.0, "step": 0}
    for number, wire, value in fields(buf):
        if number == 1 and wire == 1:
            (event["wall_time"],) = struct.unpack("<d", value)
        elif number == 2 and wire == 0:
            event["step"] = value - (1 << 64) if value >= 1 << 63 else value  # int64 two's complement
        elif number == 3 and wire == 2:
            event["file_version"] = value.decode("utf-8")
        elif number == 5 and wire == 2:
            values = []
            for vn, vw, v in fields(value):
                assert vn == 1 and vw == 2, "Summary.value"
                entry = {}
                for f, w, x in fields(v):
                    if f == 1 and w == 2:
                        entry["tag"] = x.decode("utf-8")
                    elif f == 2 and w == 5:
                        (entry["simple_value"],) = struct.unpack("<f", x)
                    else:
                        raise ValueError(f"Summary.Value field {f}")
                values.append(entry)
            event["summary"] = values
        else:
            raise ValueError(f"Event field {number} (wire type {wire})")
    return event


def protobuf_event_class():
    """Event/Summary/Value messages built at run time from their schema (field numbers and types as in TensorFlow)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    F = descriptor_pb2.FieldDescriptorProto
    f = descriptor_pb2.FileDescriptorProto(name="strata_event_check.proto", package="tensorflow", syntax="proto3")
    value = f.message_type.add(name="Value")
    value.field.add(name="tag", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    value.field.add(name="simple_value", number=2, type=F.TYPE_FLOAT, label=F.LABEL_OPTIONAL)
    summary = f.message_type.add(name="Summary")
    summary.field.add(name="value", number=1, type=F.TYPE_MESSAGE, type_name=".tensorflow.Value", label=F.LABEL_REPEATED)
    event = f.message_type.add(name="Event")
    event.field.add(name="wall_time", number=1, type=F.TYPE_DOUBLE, label=F.LABEL_OPTIONAL)
    event.field.add(name="step", number=2, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
    event.field.add(name="file_version", number=3, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    event.field.add(name="summary", number=5, type=F.TYPE_MESSAGE, type_name=".tensorflow.Summary", label=F.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("tensorflow.Event"))


def check_with_protobuf(raw_records, events):
    try:
        event_class = protobuf_event_class()
    except ImportError:
        print("google.protobuf not installed: skipped the cross-check with the protobuf runtime")
        return
    for i, (raw, mine) in enumerate(zip(raw_records, events)):
        e = event_class()
        e.ParseFromString(raw)
        assert e.wall_time == mine["wall_time"] and e.step == mine["step"], i
        assert e.file_version == mine.get("file_version", ""), i
        got = [(v.tag, v.simple_value) for v in e.summary.value]
        assert got == [(v["tag"], v["simple_value"]) for v in mine.get("summary", [])], i
        assert e.SerializeToString() == raw, f"record {i}: protobuf re-encodes it differently"
    print(f"protobuf runtime agrees on all {len(events)} events and re-serializes each to the same bytes")


def main(path):
    with open(path, "rb") as f:
        blob = f.read()
    raw_records = list(records(blob))
    events = [decode_event(r) for r in raw_records]
    print(f"{len(events)} records, all CRC-32C checks passed ({len(blob)} bytes)")
    for i, e in enumerate(events):
        if "file_version" in e:
            print(f"{i}: file_version={e['file_version']!r} wall_time>0={e['wall_time'] > 0}")  # real clock: not repeatable
        for v in e.get("summary", []):
            print(f"{i}: wall_time={e['wall_time']!r} step={e['step']} tag={v['tag']!r} simple_value={v['simple_value']!r}")
    assert events and events[0].get("file_version") == "brain.Event:2", "first event must carry the file version"
    check_with_protobuf(raw_records, events)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
