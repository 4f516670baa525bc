//! Compiles the C SIGSYS handlers of `benches/trap.rs` (the floor any
//! trap-based design pays) and links them into bench targets only:
//! `rustc-link-arg-benches` with the object file, so the library itself
//! links no C. Without a working C compiler the library still builds; the
//! bench then reports its two C variants as unavailable.

use std::env;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=benches/c/trap_floor.c");
    println!("cargo::rerun-if-env-changed=CC");
    println!("cargo::rerun-if-env-changed=CFLAGS");
    println!("cargo::rustc-check-cfg=cfg(selftrace_bench_no_c)");

    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if arch != "x86_64" || os != "linux" {
        println!("cargo::rustc-cfg=selftrace_bench_no_c");
        return;
    }

    let objects = cc::Build::new()
        .file("benches/c/trap_floor.c")
        .opt_level(2)
        .warnings(true)
        .extra_warnings(true)
        // No rustc-link-lib / rustc-link-search: those would bundle the
        // archive into the library's rlib.
        .cargo_metadata(false)
        .try_compile_intermediates();
    match objects {
        Ok(objects) => {
            for object in objects {
                println!("cargo::rustc-link-arg-benches={}", object.display());
            }
        }
        Err(e) => {
            println!("cargo::warning=benches/c/trap_floor.c not compiled ({e}); the trap bench will skip its C variants");
            println!("cargo::rustc-cfg=selftrace_bench_no_c");
        }
    }
}
