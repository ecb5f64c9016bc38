//! Tokens and join codes: random, kept only as SHA-256 hashes, compared in constant time.
//!
//! A learner's token reads `l<id>.<secret>` and the instructor's `i.<secret>`: the part before
//! the dot finds the row, and the secret's hash is then compared with the stored one in constant
//! time, so how long a wrong token takes to refuse tells nothing about the right one. A join
//! code is a bare secret, found by its hash.

use rand::TryRngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 32 random bytes (256 bits) from the operating system's generator, as 64 hex digits.
pub fn new_secret() -> String {
    hex(&random_bytes::<32>())
}

/// A join code: 16 random bytes (128 bits), as 32 hex digits in groups of 8 to read aloud.
pub fn new_join_code() -> String {
    let digits = hex(&random_bytes::<16>());
    let groups: Vec<&str> = (0..4).map(|k| &digits[8 * k..8 * k + 8]).collect();
    groups.join("-")
}

/// The SHA-256 of `secret`, in hex: what the database keeps instead of the secret.
pub fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.trim().as_bytes()))
}

/// Whether `secret` hashes to `stored`, in time that does not depend on where they differ.
pub fn matches(secret: &str, stored: &str) -> bool {
    hash(secret).as_bytes().ct_eq(stored.as_bytes()).into()
}

/// A learner's token: `l<id>.<secret>`.
pub fn learner_token(learner: i64, secret: &str) -> String {
    format!("l{learner}.{secret}")
}

/// The learner id and secret of a token of the form `l<id>.<secret>`.
pub fn parse_learner_token(token: &str) -> Option<(i64, &str)> {
    let (id, secret) = token.trim().strip_prefix('l')?.split_once('.')?;
    Some((id.parse().ok()?, secret))
}

/// The instructor's token: `i.<secret>`.
pub fn instructor_token(secret: &str) -> String {
    format!("i.{secret}")
}

/// The secret of an instructor's token.
pub fn parse_instructor_token(token: &str) -> Option<&str> {
    token.trim().strip_prefix("i.")
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the operating system gives random bytes");
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_only_their_hash_matches() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), 64, "256 bits");
        assert_ne!(a, b);
        let stored = hash(&a);
        assert_ne!(stored, a);
        assert!(matches(&a, &stored));
        assert!(!matches(&b, &stored));
        assert!(!matches("", &stored));
    }

    #[test]
    fn join_codes_carry_128_bits_in_four_groups() {
        let code = new_join_code();
        assert_eq!(code.len(), 35, "{code}");
        assert_eq!(code.replace('-', "").len(), 32);
        assert_ne!(code, new_join_code());
    }

    #[test]
    fn tokens_name_their_row_and_keep_their_secret_apart() {
        let token = learner_token(42, "abc");
        assert_eq!(parse_learner_token(&token), Some((42, "abc")));
        assert_eq!(parse_learner_token("i.abc"), None);
        assert_eq!(parse_learner_token("lx.abc"), None);
        assert_eq!(parse_instructor_token(&instructor_token("s")), Some("s"));
        assert_eq!(parse_instructor_token("l1.s"), None);
    }
}
