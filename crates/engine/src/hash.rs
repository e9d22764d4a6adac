//! The provenance hash of a rule pack: FNV-1a 64 over its files, so that an output can say
//! exactly which rules made it.
//!
//! The input is, for every file in sorted order of its path relative to the pack folder (with
//! `/` separators): the path as UTF-8, one NUL byte, the content length as 8 bytes little-endian,
//! then the content bytes. The length prefix keeps `("a", "bc")` and `("ab", "c")` apart. FNV-1a
//! is not cryptographic: the hash tells packs apart, it does not defend against forgery. It needs
//! no dependency and is specified in four lines, so any tool can recompute it.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a 64 of `(relative path, content)` pairs, sorted by path first.
pub(crate) fn pack_hash<P: AsRef<str>, S: AsRef<str>>(files: &[(P, S)]) -> u64 {
    let mut sorted: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, s)| (p.as_ref(), s.as_ref()))
        .collect();
    sorted.sort_unstable();
    let mut h = OFFSET;
    for (path, content) in sorted {
        h = feed(h, path.as_bytes());
        h = feed(h, &[0]);
        h = feed(h, &(content.len() as u64).to_le_bytes());
        h = feed(h, content.as_bytes());
    }
    h
}

fn feed(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(PRIME);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_64_reference_values() {
        // From the FNV reference test suite.
        assert_eq!(feed(OFFSET, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(feed(OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(feed(OFFSET, b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn order_free_and_boundary_safe() {
        let a = pack_hash(&[("a.rules", "x"), ("b.rules", "y")]);
        assert_eq!(a, pack_hash(&[("b.rules", "y"), ("a.rules", "x")]));
        assert_ne!(a, pack_hash(&[("a.rules", "xy"), ("b.rules", "")]));
        assert_ne!(a, pack_hash(&[("a.rules", "x"), ("b.rules", "y ")]));
        assert_ne!(a, pack_hash(&[("a.rules", "x"), ("c.rules", "y")]));
    }
}
