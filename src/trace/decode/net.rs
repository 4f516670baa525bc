//! Sockets.

use super::Decoder;
use crate::Sysno;

pub fn decoder(sysno: Sysno) -> Option<Decoder> {
    match sysno {
        _ => None,
    }
}
