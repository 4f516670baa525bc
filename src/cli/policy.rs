//! `--policy FILE`: injection rules as TOML tables, turned into the same
//! rule texts `-e inject=` takes, each checked with its line number.

use std::path::Path;

/// The rules of a policy file, as `-e` texts.
pub struct Policy {
    pub seed: Option<u64>,
    pub rules: Vec<String>,
}

const RULE_KEYS: [&str; 9] =
    ["error", "retval", "signal", "delay_enter", "delay_exit", "when", "prob", "path", "calls"];

pub fn load(path: &Path) -> Result<Policy, String> {
    let name = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read policy {name}: {e}"))?;
    parse(&text).map_err(|(line, msg)| format!("{name}:{line}: {msg}"))
}

/// Parse a policy; errors carry the 1-based line they are about.
pub fn parse(text: &str) -> Result<Policy, (usize, String)> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        (line, e.message().to_string())
    })?;
    let mut policy = Policy { seed: None, rules: Vec::new() };
    // Rules apply in file order, as -e rules do; the table groups them by kind.
    let mut placed: Vec<(usize, String)> = Vec::new();
    for (key, value) in &table {
        match (key.as_str(), value) {
            ("seed", toml::Value::Integer(n)) if *n >= 0 => policy.seed = Some(*n as u64),
            ("seed", _) => {
                return Err((key_line(text, "seed"), "seed must be a non-negative integer".into()))
            }
            ("inject" | "fault" | "deny" | "rewrite", toml::Value::Array(entries)) => {
                for (i, entry) in entries.iter().enumerate() {
                    let line = header_line(text, key, i);
                    let rule = rule_text(key, entry).map_err(|m| (line, m))?;
                    let checked = if key == "rewrite" {
                        selftrace_trace::inject::Rewrite::parse(&rule).map(drop)
                    } else {
                        selftrace_trace::inject::Rule::parse(&rule).map(drop)
                    };
                    checked.map_err(|e| (line, e.to_string()))?;
                    placed.push((line, rule));
                }
            }
            (other, _) => {
                return Err((
                    key_line(text, other),
                    format!(
                    "unknown key '{other}' (seed, [[inject]], [[fault]], [[deny]] or [[rewrite]])"
                ),
                ))
            }
        }
    }
    placed.sort_by_key(|(line, _)| *line);
    policy.rules = placed.into_iter().map(|(_, r)| r).collect();
    Ok(policy)
}

fn rule_text(kind: &str, entry: &toml::Value) -> Result<String, String> {
    let table = entry.as_table().ok_or_else(|| format!("[[{kind}]] must be a table"))?;
    let get = |k: &str| -> Result<Option<String>, String> {
        match table.get(k) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(toml::Value::Integer(n)) => Ok(Some(n.to_string())),
            Some(toml::Value::Float(f)) => Ok(Some(f.to_string())),
            Some(_) => Err(format!("'{k}' must be a string or a number")),
        }
    };
    if kind == "rewrite" {
        if let Some(k) = table.keys().find(|k| *k != "from" && *k != "to") {
            return Err(format!("unknown key '{k}' in [[rewrite]] (from, to)"));
        }
        let from = get("from")?.ok_or("[[rewrite]] needs from")?;
        let to = get("to")?.ok_or("[[rewrite]] needs to")?;
        return Ok(format!("rewrite=path:{from}={to}"));
    }
    if let Some(k) = table.keys().find(|k| !RULE_KEYS.contains(&k.as_str())) {
        return Err(format!("unknown key '{k}' in [[{kind}]]"));
    }
    let calls = get("calls")?.ok_or_else(|| format!("[[{kind}]] needs calls"))?;
    let mut text = format!("{kind}={calls}");
    for k in &RULE_KEYS[..8] {
        if let Some(v) = get(k)? {
            text.push_str(&format!(":{k}={v}"));
        }
    }
    Ok(text)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The line of the `index`th `[[kind]]` header.
fn header_line(text: &str, kind: &str, index: usize) -> usize {
    let header = format!("[[{kind}]]");
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.split('#').next().unwrap_or("").trim() == header)
        .nth(index)
        .map_or(1, |(i, _)| i + 1)
}

fn key_line(text: &str, key: &str) -> usize {
    text.lines().position(|l| l.trim_start().starts_with(key)).map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn rules_become_rule_texts() {
        let p = parse("seed = 7\n[[inject]]\ncalls = \"openat\"\nerror = \"EACCES\"\npath = \"/etc/*\"\nwhen = \"2+\"\n[[rewrite]]\nfrom = \"/a\"\nto = \"/b\"\n").unwrap();
        assert_eq!(p.seed, Some(7));
        assert_eq!(
            p.rules,
            ["inject=openat:error=EACCES:when=2+:path=/etc/*", "rewrite=path:/a=/b"]
        );
    }

    #[test]
    fn errors_carry_line_numbers() {
        let bad_errno =
            "[[deny]]\ncalls = \"write\"\n\n[[inject]]\ncalls = \"read\"\nerror = \"EWHAT\"\n";
        assert_eq!(parse(bad_errno).err().unwrap(), (4, "invalid error 'EWHAT'".to_string()));
        let (line, _) = parse("[[inject]]\ncalls = \"read\"\nerror = \n").err().unwrap();
        assert_eq!(line, 3);
        assert_eq!(parse("[[inject]]\ncalls = \"read\"\ncolour = 1\n").err().unwrap().0, 1);
        assert_eq!(
            parse("x = 1\n").err().unwrap(),
            (1, "unknown key 'x' (seed, [[inject]], [[fault]], [[deny]] or [[rewrite]])".into())
        );
    }
}
