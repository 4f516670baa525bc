//! The code whose calls trap: executable mappings of the process at
//! installation, read from `/proc/self/maps` (proc(5)).
//!
//! Trapping by origin, not only by number, is what lets a program exec:
//! the filter outlives the image, but the new image's code lies elsewhere,
//! so its dynamic loader runs untrapped until a new handler is in place
//! (docs/design.md, hazard 6). The dynamic loader's own text is left out for
//! the same reason; the vDSO is kept, as its fallback paths make real calls.
//! So is code below 4 GiB: that is where a non-PIE executable lies, and
//! where the next one would, a statically linked program among them, which
//! never gets a handler: under a large non-PIE program's filter it would
//! die at its first call (its raw calls, not its libc's, go untraced).

use crate::error::Error;

/// Executable ranges `[start, end)`, merged, without the dynamic loader;
/// and whether there is code below 4 GiB (a non-PIE executable), which the
/// filter leaves alone and Syscall User Dispatch traps (`dispatch`).
pub(crate) fn traced_code() -> Result<(Vec<(u64, u64)>, bool), Error> {
    let maps =
        std::fs::read_to_string("/proc/self/maps").map_err(|e| Error::Maps(e.to_string()))?;
    // SAFETY: getauxval only reads the auxiliary vector.
    let loader_base = unsafe { libc::getauxval(libc::AT_BASE) };
    Ok(parse(&maps, loader_base))
}

/// Code below this address is never trapped (see the module documentation).
const LOW_CODE_END: u64 = 1 << 32;

/// The traced ranges, and whether any code lies below 4 GiB.
fn parse(maps: &str, loader_base: u64) -> (Vec<(u64, u64)>, bool) {
    let mut loader_path = None;
    let mut entries = Vec::new();
    for line in maps.lines() {
        let mut f = line.split_whitespace();
        let (Some(range), Some(perms)) = (f.next(), f.next()) else { continue };
        let path = f.nth(3).unwrap_or("");
        let Some((s, e)) = range.split_once('-') else { continue };
        let (Ok(start), Ok(end)) = (u64::from_str_radix(s, 16), u64::from_str_radix(e, 16)) else {
            continue;
        };
        if start == loader_base && loader_base != 0 {
            loader_path = Some(path.to_string());
        }
        entries.push((start, end, perms.contains('x'), path.to_string()));
    }
    let low_code = entries.iter().any(|&(start, _, exec, _)| exec && start < LOW_CODE_END);
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (start, end, exec, path) in entries {
        let wanted = exec
            && start >= LOW_CODE_END
            && (path.starts_with('/') || path == "[vdso]")
            && loader_path.as_deref() != Some(path.as_str());
        if !wanted {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.1 == start => last.1 = end,
            _ => out.push((start, end)),
        }
    }
    (out, low_code)
}

#[cfg(test)]
mod tests {
    use super::parse;

    const MAPS: &str = "\
55d0a0000000-55d0a0001000 r--p 00000000 fe:01 100 /usr/bin/prog
55d0a0001000-55d0a0005000 r-xp 00001000 fe:01 100 /usr/bin/prog
55d0a0005000-55d0a0006000 r--p 00005000 fe:01 100 /usr/bin/prog
7f0000000000-7f0000022000 r--p 00000000 fe:01 200 /usr/lib/x86_64-linux-gnu/libc.so.6
7f0000022000-7f0000197000 r-xp 00022000 fe:01 200 /usr/lib/x86_64-linux-gnu/libc.so.6
7f0000300000-7f0000301000 rwxp 00000000 00:00 0
7f0000400000-7f0000401000 r--p 00000000 fe:01 300 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
7f0000401000-7f0000427000 r-xp 00001000 fe:01 300 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0 [vdso]
ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]
";

    #[test]
    fn keeps_program_libraries_and_vdso_but_not_loader_or_anonymous_code() {
        let (r, low_code) = parse(MAPS, 0x7f0000400000);
        assert!(!low_code, "the vsyscall page is not low code");
        assert_eq!(
            r,
            vec![
                (0x55d0a0001000, 0x55d0a0005000),
                (0x7f0000022000, 0x7f0000197000),
                (0x7ffd00000000, 0x7ffd00002000),
            ]
        );
    }

    #[test]
    fn merges_adjacent_ranges() {
        let maps = "100001000-100002000 r-xp 0 00:00 1 /a\n100002000-100003000 r-xp 0 00:00 1 /b\n";
        assert_eq!(parse(maps, 0).0, vec![(0x1_0000_1000, 0x1_0000_3000)]);
    }

    #[test]
    fn leaves_out_a_non_pie_executable_where_a_static_child_would_lie() {
        let maps = "00400000-00401000 r--p 0 fe:01 9 /usr/bin/old\n00401000-00800000 r-xp 1000 fe:01 9 /usr/bin/old\n\
                    7f0000022000-7f0000197000 r-xp 00022000 fe:01 200 /usr/lib/libc.so.6\n";
        assert_eq!(parse(maps, 0), (vec![(0x7f0000022000, 0x7f0000197000)], true));
    }
}
