//! `solaris-onboarding staff …`: the bank's administrators manage staff accounts from the
//! shell of the machine that runs the app, with the app's own configuration (`DATABASE_URL`,
//! `PUBLIC_URL`). `add` prints a one-time setup link (valid 24 hours) for the new member to
//! set a password and a second factor; nothing else ever shows the link.

use crate::config::Settings;
use crate::db::staff::{self, AddError, Role};
use crate::db::Db;

/// How long a setup link works.
pub(crate) const SETUP_VALID_MS: i64 = 24 * 3600 * 1000;

const USAGE: &str =
    "usage: solaris-onboarding staff add --email EMAIL --role admin|reviewer|viewer\n       \
     solaris-onboarding staff list\n       solaris-onboarding staff disable EMAIL";

/// Runs a `staff` command; returns what it prints.
pub async fn run(settings: &Settings, args: &[String]) -> anyhow::Result<String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["add", rest @ ..] => {
            let (email, role) = add_args(rest)?;
            let db = Db::connect(&settings.database_url, crate::clock::Clock::system()).await?;
            let base = match &settings.public_url {
                Some(url) => url.to_string(),
                None => format!("http://{}/", settings.listen_addr),
            };
            add(&db, &base, email, role).await
        }
        ["list"] => {
            let db = Db::connect(&settings.database_url, crate::clock::Clock::system()).await?;
            let mut out = String::new();
            for a in staff::all(&db).await? {
                let state = if a.disabled_at.is_some() {
                    "disabled"
                } else if a.password_hash.is_none() {
                    "waiting for setup"
                } else {
                    "active"
                };
                out.push_str(&format!("{}\t{}\t{state}\n", a.email, a.role.as_str()));
            }
            Ok(out)
        }
        ["disable", email] => {
            let db = Db::connect(&settings.database_url, crate::clock::Clock::system()).await?;
            if staff::disable(&db, email).await? {
                Ok(format!("{email} is disabled; its sessions have ended\n"))
            } else {
                anyhow::bail!("no staff account {email:?}")
            }
        }
        _ => anyhow::bail!("{USAGE}"),
    }
}

fn add_args<'a>(rest: &[&'a str]) -> anyhow::Result<(&'a str, Role)> {
    let (mut email, mut role) = (None, None);
    let mut it = rest.iter();
    while let Some(flag) = it.next() {
        match (*flag, it.next()) {
            ("--email", Some(v)) => email = Some(*v),
            ("--role", Some(v)) => {
                role = Some(Role::parse(v).ok_or_else(|| {
                    anyhow::anyhow!("--role {v:?}: one of admin, reviewer, viewer")
                })?)
            }
            _ => anyhow::bail!("{USAGE}"),
        }
    }
    let (Some(email), Some(role)) = (email, role) else {
        anyhow::bail!("{USAGE}");
    };
    if !email.contains('@') || email.chars().any(char::is_whitespace) {
        anyhow::bail!("--email {email:?} is not an e-mail address");
    }
    Ok((email, role))
}

/// Adds an account and returns the line with its setup link under `base` (the app's URL).
pub async fn add(db: &Db, base: &str, email: &str, role: Role) -> anyhow::Result<String> {
    use rand::RngCore;
    use sha2::{Digest, Sha256};
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    match staff::add(db, email, role, &hash, db.now_ms() + SETUP_VALID_MS).await {
        Ok(_) => {}
        Err(AddError::Exists) => anyhow::bail!("a staff account {email:?} exists already"),
        Err(AddError::Store(e)) => return Err(e.into()),
    }
    let link = format!(
        "{}{}{token}",
        base.trim_end_matches('/'),
        crate::mail::links::SETUP_PREFIX
    );
    Ok(format!(
        "{} ({}) can set up the account within 24 hours at:\n{link}\n",
        email.to_lowercase(),
        role.as_str()
    ))
}
