//! TensorBoard event files, written (and read back) by hand: `tensorboard --logdir runs` shows
//! every run's curves without any Python in the training process.
//!
//! An event file is a sequence of records, each `[length: u64 LE][masked CRC-32C of length]
//! [data][masked CRC-32C of data]`, where `data` is a protobuf `Event`. Only the few protobuf
//! fields needed for scalars are encoded:
//!
//! ```text
//! Event   { 1: wall_time (double), 2: step (int64), 3: file_version (string), 5: summary }
//! Summary { 1: value (repeated Value) }
//! Value   { 1: tag (string), 2: simple_value (float) }
//! ```

use anyhow::{bail, Context, Result};
use std::path::Path;

/// One scalar point: `tag` at `step`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub tag: String,
    pub step: i64,
    pub value: f32,
    pub wall_time: f64,
}

/// The bytes of an event file holding `scalars` (after the mandatory version record).
pub fn encode_event_file(scalars: &[Scalar], created: f64) -> Vec<u8> {
    let mut out = Vec::new();
    let mut version = Vec::new();
    put_double(&mut version, 1, created);
    put_bytes(&mut version, 3, b"brain.Event:2");
    put_record(&mut out, &version);
    for s in scalars {
        let mut value = Vec::new();
        put_bytes(&mut value, 1, s.tag.as_bytes());
        put_key(&mut value, 2, 5); // wire type 5: 32-bit
        value.extend_from_slice(&s.value.to_le_bytes());
        let mut summary = Vec::new();
        put_bytes(&mut summary, 1, &value);
        let mut event = Vec::new();
        put_double(&mut event, 1, s.wall_time);
        put_key(&mut event, 2, 0); // wire type 0: varint
        put_varint(&mut event, s.step as u64);
        put_bytes(&mut event, 5, &summary);
        put_record(&mut out, &event);
    }
    out
}

/// Writes the event file atomically.
pub fn write_event_file(path: &Path, scalars: &[Scalar], created: f64) -> Result<()> {
    crate::fs::write_bytes_atomically(path, &encode_event_file(scalars, created))
}

/// Reads the scalars of an event file, checking every CRC.
pub fn read_event_file(path: &Path) -> Result<Vec<Scalar>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    decode_event_file(&bytes).with_context(|| format!("in {}", path.display()))
}

/// Decodes event-file bytes into scalars (the version record has none).
pub fn decode_event_file(mut bytes: &[u8]) -> Result<Vec<Scalar>> {
    let mut scalars = Vec::new();
    while !bytes.is_empty() {
        if bytes.len() < 12 {
            bail!("truncated record header");
        }
        let length = u64::from_le_bytes(bytes[..8].try_into()?) as usize;
        if u32::from_le_bytes(bytes[8..12].try_into()?) != masked_crc(&bytes[..8]) {
            bail!("bad length checksum");
        }
        let end = 12 + length + 4;
        if bytes.len() < end {
            bail!("truncated record");
        }
        let data = &bytes[12..12 + length];
        if u32::from_le_bytes(bytes[12 + length..end].try_into()?) != masked_crc(data) {
            bail!("bad data checksum");
        }
        decode_event(data, &mut scalars)?;
        bytes = &bytes[end..];
    }
    Ok(scalars)
}

fn decode_event(data: &[u8], scalars: &mut Vec<Scalar>) -> Result<()> {
    let (mut wall_time, mut step, mut values) = (0.0, 0i64, Vec::new());
    for (field, value) in fields(data)? {
        match (field, value) {
            (1, Field::Fixed64(v)) => wall_time = f64::from_bits(v),
            (2, Field::Varint(v)) => step = v as i64,
            (5, Field::Bytes(summary)) => {
                for (f, v) in fields(summary)? {
                    if let (1, Field::Bytes(value)) = (f, v) {
                        let (mut tag, mut simple) = (String::new(), None);
                        for (f, v) in fields(value)? {
                            match (f, v) {
                                (1, Field::Bytes(t)) => tag = String::from_utf8(t.to_vec())?,
                                (2, Field::Fixed32(x)) => simple = Some(f32::from_bits(x)),
                                _ => {}
                            }
                        }
                        if let Some(value) = simple {
                            values.push((tag, value));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    scalars.extend(values.into_iter().map(|(tag, value)| Scalar {
        tag,
        step,
        value,
        wall_time,
    }));
    Ok(())
}

enum Field<'a> {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
    Bytes(&'a [u8]),
}

fn fields(mut data: &[u8]) -> Result<Vec<(u64, Field<'_>)>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let key = take_varint(&mut data)?;
        let field = match key & 7 {
            0 => Field::Varint(take_varint(&mut data)?),
            1 => Field::Fixed64(u64::from_le_bytes(take(&mut data, 8)?.try_into()?)),
            2 => {
                let n = take_varint(&mut data)? as usize;
                Field::Bytes(take(&mut data, n)?)
            }
            5 => Field::Fixed32(u32::from_le_bytes(take(&mut data, 4)?.try_into()?)),
            wire => bail!("unsupported protobuf wire type {wire}"),
        };
        out.push((key >> 3, field));
    }
    Ok(out)
}

fn take<'a>(data: &mut &'a [u8], n: usize) -> Result<&'a [u8]> {
    if data.len() < n {
        bail!("truncated protobuf field");
    }
    let (head, rest) = data.split_at(n);
    *data = rest;
    Ok(head)
}

fn take_varint(data: &mut &[u8]) -> Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *take(data, 1)?.first().expect("one byte");
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    bail!("varint too long")
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_key(out: &mut Vec<u8>, field: u64, wire_type: u64) {
    put_varint(out, (field << 3) | wire_type);
}

fn put_double(out: &mut Vec<u8>, field: u64, v: f64) {
    put_key(out, field, 1);
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    put_key(out, field, 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_record(out: &mut Vec<u8>, data: &[u8]) {
    let length = (data.len() as u64).to_le_bytes();
    out.extend_from_slice(&length);
    out.extend_from_slice(&masked_crc(&length).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked_crc(data).to_le_bytes());
}

/// TensorFlow's masked CRC-32C.
fn masked_crc(bytes: &[u8]) -> u32 {
    let crc = crc32c::crc32c(bytes);
    crc.rotate_right(15).wrapping_add(0xa282_ead8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_round_trip_and_corruption_is_caught() {
        let scalars = vec![
            Scalar {
                tag: "loss/train".into(),
                step: 1,
                value: 0.5,
                wall_time: 10.0,
            },
            Scalar {
                tag: "accuracy/validation".into(),
                step: 300,
                value: 0.875,
                wall_time: 11.5,
            },
        ];
        let mut bytes = encode_event_file(&scalars, 9.0);
        assert_eq!(decode_event_file(&bytes).unwrap(), scalars);
        let last = bytes.len() - 6;
        bytes[last] ^= 1;
        assert!(decode_event_file(&bytes).is_err());
    }

    #[test]
    fn masked_crc_matches_tensorflow() {
        // crc32c("") = 0, masked: rotate(0) + 0xa282ead8
        assert_eq!(masked_crc(b""), 0xa282_ead8);
        // crc32c("123456789") = 0xe3069283 (the standard check value)
        assert_eq!(crc32c::crc32c(b"123456789"), 0xe306_9283);
    }
}
