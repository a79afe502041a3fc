//! The layers of `src/`, held against the code: every import between top-level modules points
//! down, and the invariants `docs/ARCHITECTURE.md` states as absences hold. The check reads the
//! source as text (paths that start with `crate::`, outside comments and strings), so it
//! builds nothing and runs in milliseconds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, bottom first. A module may import modules of lower layers only.
const LAYERS: &[&[&str]] = &[
    // The guide's vocabulary and rules, pure; HTML escaping; the app's clock.
    &["domain", "html", "clock"],
    // Words in two languages; settings; the loops' owner; the metrics recorder.
    &["i18n", "config", "supervisor", "monitoring"],
    // Logs; storage; the Solaris client.
    &["telemetry", "db", "solaris"],
    // The sender loop both outboxes share.
    &["outbox"],
    // Side effects, each a supervised loop over a queue or an outbox.
    &["work", "mail", "partner", "webhooks", "retention"],
    // Requests in, pages and JSON out.
    &["web"],
    // The built-in Solaris + IDnow sandbox.
    &["sandbox"],
    // Assembly, and the staff command line.
    &["startup", "staff_cli"],
];

/// Modules that may import only the ones named, beyond what the layers allow.
const ONLY: &[(&str, &[&str], &str)] = &[
    (
        "domain",
        &[],
        "the domain decides and does no I/O: it imports nothing of the app",
    ),
    (
        "clock",
        &[],
        "the clock is read by everyone and reads nothing of the app",
    ),
    (
        "i18n",
        &["domain"],
        "i18n words the domain and nothing else",
    ),
    (
        "db",
        &["domain", "clock"],
        "storage executes what the domain decided: it imports the domain (and reads the clock)",
    ),
];

/// Files of `web/` that may name the Solaris client: the back office fetches a document from
/// Solaris to hand it to staff (documents are never stored), and the web layer's state hands
/// it the client. The customer's pages never call Solaris: the work queue does.
const WEB_FILES_THAT_MAY_CALL_SOLARIS: &[&str] = &["web/backoffice/", "web/state.rs"];

#[test]
fn every_import_between_top_level_modules_points_down() {
    let edges = imports();
    let mut upward = Vec::new();
    for ((from, to), files) in &edges {
        let (Some(f), Some(t)) = (layer_of(from), layer_of(to)) else {
            upward.push(format!(
                "{from} -> {to}: a module no layer names ({files:?})"
            ));
            continue;
        };
        if t >= f {
            upward.push(format!(
                "{from} (layer {f}) -> {to} (layer {t}) in {files:?}"
            ));
        }
    }
    assert!(
        upward.is_empty(),
        "imports that do not point down:\n{}",
        upward.join("\n")
    );
}

#[test]
fn every_top_level_module_has_its_layer() {
    let unplaced: Vec<String> = top_level_modules()
        .into_iter()
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "place these modules in LAYERS (and in docs/ARCHITECTURE.md): {unplaced:?}"
    );
}

#[test]
fn the_invariants_stated_as_absences_hold() {
    let edges = imports();
    let mut broken = Vec::new();
    for (module, allowed, why) in ONLY {
        for ((from, to), files) in &edges {
            if from == module && !allowed.contains(&to.as_str()) {
                broken.push(format!("{from} -> {to} in {files:?}: {why}"));
            }
        }
    }
    // Only startup names the sandbox.
    for ((from, to), files) in &edges {
        if to == "sandbox" && from != "startup" {
            broken.push(format!(
                "{from} -> sandbox in {files:?}: only startup names it"
            ));
        }
    }
    // Pages never call Solaris.
    for (file, refs) in references() {
        let in_web = file.starts_with("web/");
        let may = WEB_FILES_THAT_MAY_CALL_SOLARIS
            .iter()
            .any(|allowed| file.starts_with(allowed));
        if in_web && refs.contains("solaris") && !may {
            broken.push(format!(
                "{file} uses the Solaris client: pages never call Solaris"
            ));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_reader_finds_imports_in_code_and_not_in_comments_or_strings() {
    let text = r##"
        //! See [`crate::web`] for the pages.
        use crate::{db::Db, domain::{Application, Step}, html};
        use crate::config::Settings;
        fn f() { let s = "crate::startup"; crate::monitoring::erased("x", 1); }
        fn g<'a>(q: &'a str) -> char { if q == "\"" { '"' } else { '\'' } }
        fn h() -> &'static str { r#"crate::web "quoted""# }
        /* crate::sandbox */
    "##;
    let found = modules_named(text);
    let expected: BTreeSet<String> = ["config", "db", "domain", "html", "monitoring"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(found, expected);
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The crate's top-level modules: `src/x.rs` and `src/x/`, less the roots.
fn top_level_modules() -> BTreeSet<String> {
    std::fs::read_dir(src())
        .expect("src/")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let path = e.path();
            if path.is_dir() {
                Some(name)
            } else {
                name.strip_suffix(".rs").map(String::from)
            }
        })
        .filter(|m| m != "lib" && m != "main")
        .collect()
}

/// For each file under `src/` (as `web/api.rs`), the top-level modules it names.
fn references() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a folder of src/").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(src())
                    .expect("under src/")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path).expect("a source file");
                out.insert(rel, modules_named(&text));
            }
        }
    }
    out
}

/// `(from, to)` → the files where a module imports another.
fn imports() -> BTreeMap<(String, String), Vec<String>> {
    let mut edges: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (file, refs) in references() {
        let from = file
            .split('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_string();
        if from == "lib" || from == "main" {
            continue;
        }
        for to in refs.into_iter().filter(|to| *to != from) {
            edges
                .entry((from.clone(), to))
                .or_default()
                .push(file.clone());
        }
    }
    edges
}

/// The top-level modules a file names through `crate::…`, comments and strings left out.
fn modules_named(text: &str) -> BTreeSet<String> {
    let code = without_comments_and_strings(text);
    let mut found = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `foo_crate::`, not our crate
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::b, c}`: the first segment of each item at the group's top level.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[i..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if name != "self" {
                            found.insert(name);
                        }
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// The text with every comment and string literal blanked out.
fn without_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('/', Some('/')) => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            ('/', Some('*')) => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            ('r', Some('#' | '"')) if !prev_is_ident(&chars, i) => {
                // A raw string: r"…" or r#"…"#.
                let mut j = i + 1;
                let mut hashes = 0;
                while chars.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if chars.get(j) != Some(&'"') {
                    out.push(chars[i]);
                    i += 1;
                    continue;
                }
                j += 1;
                loop {
                    if j >= chars.len() {
                        break;
                    }
                    if chars[j] == '"' && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
            }
            ('\'', Some('\\')) => {
                // A char literal with an escape: '\'' or '\u{..}'.
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            ('\'', Some(_)) if chars.get(i + 2) == Some(&'\'') => i += 3,
            ('"', _) => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                out.push_str("\"\"");
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn prev_is_ident(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}
