//! Processes, memory, signals, time and the rest of what is not a file or a socket.

use super::Decoder;
use crate::Sysno;

pub fn decoder(sysno: Sysno) -> Option<Decoder> {
    match sysno {
        _ => None,
    }
}
