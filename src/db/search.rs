//! Finding applications: by name prefix, e-mail or id, filtered by stage and start day, newest
//! first and paged by keyset (fast at millions of rows), and their counts per status.

use super::{Db, StoreError};
pub(crate) use crate::domain::Stage;

/// A stage as a SQL condition (the same rules as [`Stage::of`]).
trait Condition {
    fn condition(self) -> &'static str;
}

impl Condition for Stage {
    /// Constants only, never input.
    fn condition(self) -> &'static str {
        match self {
            Stage::Erased => "erased_at is not null",
            Stage::Withdrawn => "erased_at is null and withdrawn_at is not null",
            Stage::Completed => {
                "erased_at is null and withdrawn_at is null and identification_status = 'successful'"
            }
            Stage::Failed => {
                "erased_at is null and withdrawn_at is null and identification_status = 'failed'"
            }
            Stage::Identification => {
                "erased_at is null and withdrawn_at is null and identification_status is not null \
                 and identification_status not in ('successful', 'failed')"
            }
            Stage::Submitted => {
                "erased_at is null and withdrawn_at is null and identification_status is null \
                 and submitted_at is not null"
            }
            Stage::Started => {
                "erased_at is null and withdrawn_at is null and identification_status is null \
                 and submitted_at is null"
            }
        }
    }
}

/// What one search looks for: every field optional.
#[derive(Clone, Debug, Default)]
pub struct Search {
    /// A name (prefix of the first or last name), an e-mail address, or an id (application,
    /// Solaris person or identification).
    pub text: Option<String>,
    pub status: Option<String>,
    pub stage: Option<Stage>,
    /// Started at or after (ms).
    pub from: Option<i64>,
    /// Started before (ms).
    pub until: Option<i64>,
    /// The keyset of the last row of the previous page: (created_at, id).
    pub after: Option<(i64, String)>,
}

/// One row of the list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Listed {
    pub id: String,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    pub withdrawn_at: Option<i64>,
    pub erased_at: Option<i64>,
    pub person_id: Option<String>,
    pub identification_status: Option<String>,
    pub search_name: Option<String>,
    pub search_email: Option<String>,
    /// The data screens (JSON), for the name as typed.
    pub details: Option<String>,
}

/// A page of applications, newest first: `limit` rows at most, and whether more follow.
pub async fn search(
    db: &Db,
    search: &Search,
    limit: i64,
) -> Result<(Vec<Listed>, bool), StoreError> {
    let mut conditions: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    let next = |value: Bind, binds: &mut Vec<Bind>| {
        binds.push(value);
        format!("${}", binds.len())
    };
    if let Some(text) = search
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let text = text.to_lowercase();
        if text.contains('@') {
            let p = next(Bind::Text(text), &mut binds);
            conditions.push(format!("search_email = {p}"));
        } else {
            let exact = next(Bind::Text(text.clone()), &mut binds);
            let prefix = next(Bind::Text(format!("{}%", like_escaped(&text))), &mut binds);
            let word = next(
                Bind::Text(format!("% {}%", like_escaped(&text))),
                &mut binds,
            );
            conditions.push(format!(
                "(id = {exact} or person_id = {exact} or identification_id = {exact} \
                 or search_name like {prefix} escape '\\' or search_name like {word} escape '\\')"
            ));
        }
    }
    if let Some(status) = &search.status {
        let p = next(Bind::Text(status.clone()), &mut binds);
        conditions.push(format!("identification_status = {p}"));
    }
    if let Some(stage) = search.stage {
        conditions.push(format!("({})", stage.condition()));
    }
    if let Some(from) = search.from {
        let p = next(Bind::Int(from), &mut binds);
        conditions.push(format!("created_at >= {p}"));
    }
    if let Some(until) = search.until {
        let p = next(Bind::Int(until), &mut binds);
        conditions.push(format!("created_at < {p}"));
    }
    if let Some((at, id)) = &search.after {
        let a = next(Bind::Int(*at), &mut binds);
        let i = next(Bind::Text(id.clone()), &mut binds);
        conditions.push(format!(
            "(created_at < {a} or (created_at = {a} and id < {i}))"
        ));
    }
    let limit_p = next(Bind::Int(limit + 1), &mut binds);
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("where {}", conditions.join(" and "))
    };
    let sql = format!(
        "select id, created_at, submitted_at, withdrawn_at, erased_at, person_id, \
         identification_status, search_name, search_email, details from application {filter} order by created_at desc, id desc limit {limit_p}"
    );
    let mut query = sqlx::query_as::<_, Listed>(&sql);
    for bind in binds {
        query = match bind {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    let mut rows = query.fetch_all(&db.pool).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

enum Bind {
    Text(String),
    Int(i64),
}

/// `%`, `_` and `\` taken literally in a `like … escape '\'` pattern.
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Applications per identification status (`None`: no identification yet).
pub async fn counts(db: &Db) -> Result<Vec<(Option<String>, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "select identification_status, count(*) from application \
         group by identification_status order by identification_status",
    )
    .fetch_all(&db.pool)
    .await?)
}
