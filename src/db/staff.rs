//! The bank's staff accounts and their back-office sessions. Secrets are kept only as what
//! checks them: the setup link's and the session cookie's SHA-256, the Argon2id hash of the
//! password. The TOTP secret must be kept to check codes; it never leaves this store but for
//! the check and the one enrolment page.

use super::{Db, StoreError};

/// What a staff member may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads applications, the queue and the evidence.
    Viewer,
    /// Also acts: retries, replays, reads from Solaris, handles the queue, exports.
    Reviewer,
    /// Also erases on a data-subject request and reads the audit log.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "reviewer" => Some(Role::Reviewer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl TryFrom<String> for Role {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Role, StoreError> {
        Role::parse(&s).ok_or_else(|| StoreError::Corrupt {
            column: "staff.role",
            why: format!("unknown role {s:?}"),
        })
    }
}

/// A staff account.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Account {
    pub id: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub locked_until: Option<i64>,
    pub last_totp_step: Option<i64>,
    pub disabled_at: Option<i64>,
}

const COLUMNS: &str =
    "id, email, role, password_hash, totp_secret, locked_until, last_totp_step, disabled_at";

async fn one(db: &Db, filter: &str, value: &str) -> Result<Option<Account>, StoreError> {
    Ok(
        sqlx::query_as(&format!("select {COLUMNS} from staff where {filter} = $1"))
            .bind(value)
            .fetch_optional(&db.pool)
            .await?,
    )
}

pub async fn by_email(db: &Db, email: &str) -> Result<Option<Account>, StoreError> {
    one(db, "email", &email.to_lowercase()).await
}

pub async fn by_id(db: &Db, id: &str) -> Result<Option<Account>, StoreError> {
    one(db, "id", id).await
}

/// The account a setup link belongs to, while the link is valid.
pub(crate) async fn by_setup(
    db: &Db,
    setup_hash: &str,
    now: i64,
) -> Result<Option<Account>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} from staff where setup_hash = $1 and setup_expires_at > $2 \
         and disabled_at is null"
    ))
    .bind(setup_hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn all(db: &Db) -> Result<Vec<Account>, StoreError> {
    Ok(
        sqlx::query_as(&format!("select {COLUMNS} from staff order by email"))
            .fetch_all(&db.pool)
            .await?,
    )
}

/// Why an account could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("an account with this e-mail exists already")]
    Exists,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Adds an account that signs in only after its setup link (`setup_hash`, valid until
/// `expires_at`) set a password and a second factor; a disabled account with the address is
/// set up anew, with its role.
pub async fn add(
    db: &Db,
    email: &str,
    role: Role,
    setup_hash: &str,
    expires_at: i64,
) -> Result<String, AddError> {
    let now = db.now_ms();
    let email = email.to_lowercase();
    let mut tx = db.begin_write().await.map_err(StoreError::from)?;
    let existing: Option<(String, Option<i64>)> =
        sqlx::query_as("select id, disabled_at from staff where email = $1")
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::from)?;
    let id = match existing {
        Some((_, None)) => return Err(AddError::Exists),
        Some((id, Some(_))) => {
            sqlx::query(
                "update staff set role = $1, password_hash = null, totp_secret = null, \
                 setup_hash = $2, setup_expires_at = $3, failed_logins = 0, locked_until = null, \
                 last_totp_step = null, setup_totp_secret = null, disabled_at = null, \
                 updated_at = $4 where id = $5",
            )
            .bind(role.as_str())
            .bind(setup_hash)
            .bind(expires_at)
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            id
        }
        None => {
            let id = uuid::Uuid::new_v4().simple().to_string();
            sqlx::query(
                "insert into staff (id, email, role, setup_hash, setup_expires_at, created_at, \
                 updated_at) values ($1, $2, $3, $4, $5, $6, $6)",
            )
            .bind(&id)
            .bind(&email)
            .bind(role.as_str())
            .bind(setup_hash)
            .bind(expires_at)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            id
        }
    };
    tx.commit().await.map_err(StoreError::from)?;
    Ok(id)
}

/// The TOTP secret the setup link enrols: made by the server (`candidate`, fresh) the first
/// time the link is asked for it, the same one after; `None` when the link is not valid.
pub(crate) async fn setup_secret(
    db: &Db,
    setup_hash: &str,
    candidate: &str,
) -> Result<Option<String>, StoreError> {
    let now = db.now_ms();
    sqlx::query(
        "update staff set setup_totp_secret = $1 where setup_hash = $2 \
         and setup_expires_at > $3 and disabled_at is null and setup_totp_secret is null",
    )
    .bind(candidate)
    .bind(setup_hash)
    .bind(now)
    .execute(&db.writer)
    .await?;
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "select setup_totp_secret from staff where setup_hash = $1 \
         and setup_expires_at > $2 and disabled_at is null",
    )
    .bind(setup_hash)
    .bind(now)
    .fetch_optional(&db.writer)
    .await?;
    Ok(row.and_then(|(secret,)| secret))
}

/// The setup link set a password and enrolled the server's TOTP secret: the link is used up.
/// False when the link is no longer valid (used, expired or the account disabled meanwhile).
pub(crate) async fn complete_setup(
    db: &Db,
    setup_hash: &str,
    password_hash: &str,
) -> Result<bool, StoreError> {
    let now = db.now_ms();
    // The code that confirmed the enrolment may sign in right after: it proved the app only.
    let done = sqlx::query(
        "update staff set password_hash = $1, totp_secret = setup_totp_secret, \
         setup_totp_secret = null, last_totp_step = null, \
         setup_hash = null, setup_expires_at = null, updated_at = $2 \
         where setup_hash = $3 and setup_expires_at > $2 and disabled_at is null \
         and setup_totp_secret is not null",
    )
    .bind(password_hash)
    .bind(now)
    .bind(setup_hash)
    .execute(&db.writer)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Disables an account and ends its sessions; false when there is no such account.
pub async fn disable(db: &Db, email: &str) -> Result<bool, StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "update staff set disabled_at = coalesce(disabled_at, $1), setup_hash = null, \
         setup_expires_at = null, updated_at = $1 where email = $2",
    )
    .bind(now)
    .bind(email.to_lowercase())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "delete from staff_session where staff_id in (select id from staff where email = $1)",
    )
    .bind(email.to_lowercase())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// The number of wrong sign-ins from which each one locks the account.
const FREE_FAILURES: i64 = 5;
/// The longest lock.
const MAX_LOCK_MS: i64 = 60 * 60 * 1000;

/// A wrong sign-in: counted; from the [`FREE_FAILURES`]th on the account is locked for a
/// minute, doubling with each further one up to an hour. The lock's end when this one set it.
pub(crate) async fn failed_login(db: &Db, id: &str, now: i64) -> Result<Option<i64>, StoreError> {
    let (failures,): (i64,) = sqlx::query_as(
        "update staff set failed_logins = failed_logins + 1, updated_at = $1 where id = $2 \
         returning failed_logins",
    )
    .bind(now)
    .bind(id)
    .fetch_one(&db.writer)
    .await?;
    if failures >= FREE_FAILURES {
        let doublings = u32::try_from((failures - FREE_FAILURES).min(6)).unwrap_or(6);
        let lock = (60_000_i64 << doublings).min(MAX_LOCK_MS);
        sqlx::query("update staff set locked_until = $1 where id = $2")
            .bind(now + lock)
            .bind(id)
            .execute(&db.writer)
            .await?;
        return Ok(Some(now + lock));
    }
    Ok(None)
}

/// A good sign-in: the count of wrong ones starts again, and the TOTP step is used up. False
/// when the step was used meanwhile (the same code sent twice at once).
pub(crate) async fn good_login(
    db: &Db,
    id: &str,
    totp_step: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "update staff set failed_logins = 0, locked_until = null, last_totp_step = $1, \
         updated_at = $2 where id = $3 and (last_totp_step is null or last_totp_step < $1)",
    )
    .bind(totp_step)
    .bind(now)
    .bind(id)
    .execute(&db.writer)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A session's staff member, if the session is still valid.
#[derive(Clone, Debug)]
pub struct SessionRow {
    pub account: Account,
    pub csrf: String,
    pub language: String,
    pub seen_at: i64,
}

pub(crate) async fn open_session(
    db: &Db,
    token_hash: &str,
    staff_id: &str,
    csrf: &str,
    language: &str,
) -> Result<(), StoreError> {
    let now = db.now_ms();
    sqlx::query(
        "insert into staff_session (token_hash, staff_id, csrf, language, created_at, seen_at) \
         values ($1, $2, $3, $4, $5, $5)",
    )
    .bind(token_hash)
    .bind(staff_id)
    .bind(csrf)
    .bind(language)
    .bind(now)
    .execute(&db.writer)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionJoin {
    csrf: String,
    language: String,
    seen_at: i64,
    #[sqlx(flatten)]
    account: Account,
}

/// The session of `token_hash` seen after `idle_since` and created after `created_since`, of
/// an account that is not disabled.
pub async fn session(
    db: &Db,
    token_hash: &str,
    idle_since: i64,
    created_since: i64,
) -> Result<Option<SessionRow>, StoreError> {
    let row: Option<SessionJoin> = sqlx::query_as(
        "select s.csrf, s.language, s.seen_at, a.id, a.email, a.role, a.password_hash, \
         a.totp_secret, a.locked_until, a.last_totp_step, a.disabled_at \
         from staff_session s join staff a on a.id = s.staff_id \
         where s.token_hash = $1 and s.seen_at > $2 and s.created_at > $3 \
         and a.disabled_at is null",
    )
    .bind(token_hash)
    .bind(idle_since)
    .bind(created_since)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| SessionRow {
        account: r.account,
        csrf: r.csrf,
        language: r.language,
        seen_at: r.seen_at,
    }))
}

/// Moves a session's last visit (and its language).
pub(crate) async fn touch_session(
    db: &Db,
    token_hash: &str,
    now: i64,
    language: &str,
) -> Result<(), StoreError> {
    sqlx::query("update staff_session set seen_at = $1, language = $2 where token_hash = $3")
        .bind(now)
        .bind(language)
        .bind(token_hash)
        .execute(&db.writer)
        .await?;
    Ok(())
}

pub(crate) async fn close_session(db: &Db, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("delete from staff_session where token_hash = $1")
        .bind(token_hash)
        .execute(&db.writer)
        .await?;
    Ok(())
}

/// Forgets sessions that ended (idle since `idle_since` or created before `created_since`).
pub(crate) async fn purge_sessions(
    db: &Db,
    idle_since: i64,
    created_since: i64,
) -> Result<u64, StoreError> {
    Ok(
        sqlx::query("delete from staff_session where seen_at <= $1 or created_at <= $2")
            .bind(idle_since)
            .bind(created_since)
            .execute(&db.writer)
            .await?
            .rows_affected(),
    )
}
