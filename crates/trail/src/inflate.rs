//! Whole-buffer gzip decompression with libdeflate: about twice as fast as streaming zlib-rs
//! on CloudTrail files (`BENCHMARKS.md`), which are small enough to decompress at once.
//!
//! libdeflate needs the output size in advance: the gzip trailer of the last member holds
//! it (`ISIZE`, the size modulo 2³²), exact for the usual single-member file; when it is not
//! enough (several members, or a size beyond 4 GiB) the buffer grows and the member is
//! decompressed again. Every member must be whole and valid (libdeflate checks each one's
//! CRC-32 and size) and the file must end with the last one; anything else — truncated or
//! corrupt data, bytes after the last member, output beyond [`OUTPUT_MAX`] — answers `None`,
//! and the caller streams the file with flate2, which reads what can be read and says where
//! it stopped.
//!
//! The `libdeflater` crate's safe wrapper does not say how much input a member used (it
//! would silently ignore every member after the first), so this calls `libdeflate-sys`'s
//! `libdeflate_gzip_decompress_ex` directly: the only `unsafe` code of the crate, two FFI
//! calls whose buffers are Rust slices passed with their lengths.

use std::ptr::NonNull;

use libdeflate_sys as sys;

/// Largest decompressed size taken whole (bigger files are streamed).
pub const OUTPUT_MAX: usize = 1 << 30;

/// A libdeflate decompressor (its tables: about 32 KiB), reused from file to file.
pub struct Inflater(NonNull<sys::libdeflate_decompressor>);

// SAFETY: a libdeflate decompressor is plain memory with no thread affinity; `&mut self`
// on every use keeps it from being used by two threads at once.
unsafe impl Send for Inflater {}

impl Default for Inflater {
    fn default() -> Self {
        Self::new()
    }
}

impl Inflater {
    pub fn new() -> Inflater {
        // SAFETY: allocates a decompressor; null only when out of memory.
        let p = unsafe { sys::libdeflate_alloc_decompressor() };
        Inflater(NonNull::new(p).expect("libdeflate: out of memory"))
    }

    /// Decompresses a whole gzip file (one or more members) into `out` (grown as needed,
    /// never shrunk; its length is not the output's) and returns the output length, or
    /// None when the file is not whole, valid gzip (see the module documentation).
    pub fn gunzip(&mut self, data: &[u8], out: &mut Vec<u8>) -> Option<usize> {
        if data.len() < 18 {
            return None;
        }
        let isize = u32::from_le_bytes(data[data.len() - 4..].try_into().ok()?) as usize;
        // DEFLATE expands at most 1032 times: a corrupt trailer cannot make a small file
        // allocate much.
        let bound = data.len().saturating_mul(1032).saturating_add(1 << 16);
        let mut want = isize.clamp(1 << 16, bound.max(1 << 16));
        let mut in_pos = 0;
        let mut out_len = 0;
        while in_pos < data.len() {
            let member = &data[in_pos..];
            if !member.starts_with(&[0x1f, 0x8b]) {
                return None; // bytes after the last member: let flate2 judge them
            }
            if out.len() < out_len + want {
                if out_len + want > OUTPUT_MAX {
                    return None;
                }
                out.resize(out_len + want, 0);
            }
            let avail = &mut out[out_len..];
            let (mut used_in, mut used_out) = (0usize, 0usize);
            // SAFETY: `member` and `avail` are valid slices of the lengths passed; the
            // decompressor is ours (`&mut self`); libdeflate writes at most `avail.len()`
            // bytes and sets the two counts.
            let result = unsafe {
                sys::libdeflate_gzip_decompress_ex(
                    self.0.as_ptr(),
                    member.as_ptr().cast(),
                    member.len(),
                    avail.as_mut_ptr().cast(),
                    avail.len(),
                    &mut used_in,
                    &mut used_out,
                )
            };
            match result {
                sys::libdeflate_result_LIBDEFLATE_SUCCESS => {
                    if used_in == 0 || used_in > member.len() || used_out > avail.len() {
                        return None;
                    }
                    in_pos += used_in;
                    out_len += used_out;
                    // Members after the first: their sizes are unknown, start generous.
                    want = want.max(member.len().saturating_mul(8));
                }
                sys::libdeflate_result_LIBDEFLATE_INSUFFICIENT_SPACE => {
                    want = want.checked_mul(2)?;
                }
                _ => return None,
            }
        }
        Some(out_len)
    }
}

impl Drop for Inflater {
    fn drop(&mut self) {
        // SAFETY: allocated by `libdeflate_alloc_decompressor`, freed once.
        unsafe { sys::libdeflate_free_decompressor(self.0.as_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn text(n: usize, seed: u8) -> Vec<u8> {
        (0..n)
            .map(|i| b"abcdefghij{}\":,"[(i * 7 + seed as usize + i / 13) % 15])
            .collect()
    }

    #[test]
    fn single_and_multi_member_files_read_whole() {
        let mut inf = Inflater::new();
        let mut out = Vec::new();
        let a = text(300_000, 1);
        let b = text(10, 2);
        let c = text(1_000_000, 3);
        assert_eq!(inf.gunzip(&gz(&a), &mut out), Some(a.len()));
        assert_eq!(&out[..a.len()], &a[..]);
        // Several members, the first larger than the last one's ISIZE: the buffer grows.
        for parts in [vec![&c, &b], vec![&b, &a, &c], vec![&a, &a]] {
            let mut file = Vec::new();
            let mut whole = Vec::new();
            for p in &parts {
                file.extend(gz(p));
                whole.extend_from_slice(p);
            }
            let mut fresh = Vec::new();
            assert_eq!(inf.gunzip(&file, &mut fresh), Some(whole.len()));
            assert_eq!(&fresh[..whole.len()], &whole[..]);
            // flate2 reads the same.
            let mut streamed = Vec::new();
            flate2::read::MultiGzDecoder::new(&file[..])
                .read_to_end(&mut streamed)
                .unwrap();
            assert_eq!(streamed, whole);
        }
        // An empty member.
        assert_eq!(inf.gunzip(&gz(b""), &mut out), Some(0));
    }

    #[test]
    fn anything_not_whole_is_left_to_the_streaming_path() {
        let mut inf = Inflater::new();
        let mut out = Vec::new();
        let full = gz(&text(100_000, 4));
        assert_eq!(inf.gunzip(&full[..full.len() - 1], &mut out), None);
        assert_eq!(inf.gunzip(&full[..full.len() / 2], &mut out), None);
        let mut flipped = full.clone();
        flipped[full.len() / 2] ^= 0x40;
        assert_eq!(inf.gunzip(&flipped, &mut out), None);
        let mut bad_crc = full.clone();
        let n = bad_crc.len();
        bad_crc[n - 6] ^= 1;
        assert_eq!(inf.gunzip(&bad_crc, &mut out), None);
        let mut trailing = full.clone();
        trailing.extend_from_slice(b"\0\0\0\0");
        assert_eq!(inf.gunzip(&trailing, &mut out), None);
        assert_eq!(inf.gunzip(b"\x1f\x8b", &mut out), None);
    }
}
