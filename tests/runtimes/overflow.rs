//! A Rust program whose main thread overflows its stack
//! (tests/runtimes.rs), compiled with rustc at test time.
//!
//! Rust's runtime catches the fault on the guard page with a SIGSEGV
//! handler running on a small sigaltstack of its own, prints
//! "thread 'main' has overflowed its stack" to stderr and aborts (SIGABRT).
//! A tracer whose trap lands on that altstack loses the report.

#![allow(unconditional_recursion)]

use std::hint::black_box;

fn deeper(depth: u64) -> u64 {
    // A frame the optimiser cannot fold away, and no tail call.
    let frame = black_box([depth; 64]);
    black_box(deeper(depth + 1)) + frame[depth as usize % 64]
}

fn main() {
    println!("recursing until the stack overflows");
    let total = deeper(0);
    println!("unreachable: {total}");
}
