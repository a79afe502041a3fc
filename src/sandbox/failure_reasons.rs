//! The sandbox's own copy of the guide's IDnow failure reasons (appendix I), kept as the
//! guide's table text so it is transcribed independently of the app's `domain` table: a wrong
//! flag there cannot change what the sandbox does, and a test compares the two.

/// One row: the code, the guide's description, and its "Permanent?" and "Caused by User?"
/// columns (`None` for the guide's "-").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reason {
    pub code: &'static str,
    pub description: &'static str,
    pub permanent: bool,
    pub caused_by_user: Option<bool>,
}

/// The guide's table, verbatim.
const TABLE: &str = r#"
| `AUDIO_OTHER` | Any other audio issues not covered by other reasons. | No | Yes |
| `BAD_AUDIO` | Audio is not of enough quality to continue with the call. | No | Yes |
| `BAD_AUDIO_ENVIRONMENT` | Audio disturbance in the call. | No | Yes |
| `BAD_PHOTO_QUALITY` | ID and/or User photo is not of good quality to successfully conclude the identification. | No | Yes |
| `BAD_VIDEO` | Video call established, but is not of enough quality to continue. | No | Yes |
| `CALL_QUALITY_FAIL` | During network pre-check; the network bandwidth is found to be lower than expected to conduct a successful video call. | No | Yes |
| `CONNECTION_BAD` | Connection is not good quality to continue. | No | Yes |
| `CONNECTION_LOST` | Call connection lost. | No | Yes |
| `CONNECTION_OTHER` | Any Other issues with connection not covered by other reasons. | No | Yes |
| `DATA_APPLICATION_ADDRESS` | Address from application does not match address from ID document and cannot be corrected. | Yes | Yes |
| `DATA_APPLICATION_DATA` | Data from application and data from the ID document do not match and cannot be corrected. | Yes | Yes |
| `DATA_ID_EXPIRED` | The validity date of the ID document has expired. User must use a different document. | No | Yes |
| `DISAGREE_WITH_VIDEO_RECORDING` | User disagrees with Video Recording of the call. | No | Yes |
| `ENROLLED_TO_WAITING_LIST` | User has been put on the waiting-list. Depending on the configuration, this can be voluntary or mandatory, or a mix of both. Users cannot remove themselves from the waiting-list, restarting the Ident will lead to a warning message. | Yes | Yes |
| `ID_NOT_SUPPORTED` | User is using an ID document that is not supported for the online identification process. | No | Yes |
| `ID_DAMAGED` | User is using an ID document that is damaged and not fit for the online identification process. | No | Yes |
| `ID_OTHER` | Any other ID related issue not covered by other reasons. | No | Yes |
| `IDENT_CODE_NOT_RECEIVED` | Ident code SMS/email not received by the user. | No | No |
| `IDENT_CODE_REPEATEDLY_INCORRECT` | User entered wrong Ident Id multiple times. | No | Yes |
| `INCORRECT_ID_NUMBER` | ID number is wrongly entered during identification | No | No |
| `INCORRECT_NAME_IN_QES` | Only for eSigning. Name mismatch found after QES generation. | No | No |
| `INDECENT_BEHAVIOUR` | User exhibited behavior towards agent that is indecent. | Yes | Yes |
| `NO_AUDIO` | No audio established between Agent and User. | No | Yes |
| `NO_CONNECTION` | Connection between Agent and User not established due to network issues. | No | Yes |
| `NO_ESIGN_FRAUD` | For eSign transactions, agents must cancel a call if they believe it is fraudulent before it comes to the signing step. It will then be submitted for review with the status FRAUD_SUSPICION_PENDING | No | Yes |
| `NO_SECURITY_QUESTION_ASKED` | If enough security questions are not asked during an ident, reviewer/supervisor may cancel the ident with this reason. | No | - |
| `NO_VIDEO` | Video call could not established. User and Agent do not see each other. | No | Yes |
| `OTHER_ABUSE` | Abuse of the procedure. Inappropriate behavior. | No | Yes |
| `OTHER_ERROR` | Any other error, not further defined. | No | Yes |
| `OTHER_MISCELLANEOUS_PERMANENT` | Other error, which is not covered by specific error. Cannot be solved. | Yes | - |
| `OTHER_MISCELLANEOUS_TEMPORARY` | Other error, which is not covered by specific error. Can be solved by a retry. | No | - |
| `OTHER_TEST` | Identification was a test call. | No | Yes |
| `PHOTO_OTHER` | Other problems related to the photo. | No | Yes |
| `SECURITY_QUESTION` | If a supervisor is not satisfied with the answers to security question, they may cancel the ident with this reason. | No | - |
| `SECURITY_QUESTION_NOT_CORRECT_ANSWERED` | If reviewer/supervisor is not satisfied with the answers to security question, they may cancel the ident with this reason. | No | - |
| `STALLED_TIMEOUT` | When an identification process is running for too long, then the identification request will be cancelled with this reason. | No | - |
| `TECH_AUDIO` | Poor audio quality. Audio quality is poor or user/agent inaudible. | No | Yes |
| `TECH_DISCONNECTED_VIDEO` | The video stream has disconnected during the identification. | No | Yes |
| `TECH_DISCONNECTED_WEBSOCKET` | The websocket connection is disconnected during the identification. Normally caused by loss of internet connection by the user. | No | Yes |
| `TECH_HOLOGRAM` | Security features not visible or broken. No suspicion of fraud. | No | Yes |
| `TECH_ID_TYPE` | ID document is not allowed or is not supported. | No | Yes |
| `TECH_IDENT_CODE_DELIVERY` | User was unable to receive the ident code SMS. | No | Yes |
| `TECH_INTERNAL_SERVER_ERROR` | An error occurred on server. | No | No |
| `TECH_INTERNET_CONNECTION` | Internet connection of the user is not fast enough. | No | Yes |
| `TECH_LIGHTING` | Poor lighting. Person or ID document not sufficiently visible. | No | Yes |
| `TECH_PHOTO` | Poor photo quality. Person or ID document not sufficiently sharp and recognizable. | No | Yes |
| `TECH_TIMEOUT` | The identification request was open too long. Identification requests get aborted after 30 minutes. | No | Yes |
| `TECH_VIDEO` | Poor video quality or camera not good enough. Person or ID document not sufficiently sharp and recognizable. | No | Yes |
| `USER_ABORT_WHILE_WAITING` | User has aborted the identification while he was waiting for an available agent. | No | Yes |
| `USER_CANCELLATION` | User has aborted the identification. | No | Yes |
| `USER_ID_NUMBER` | User repeatedly reads the wrong ID document number. | No | Yes |
| `USER_IDENT_CODE` | Ident code repeatedly entered incorrectly. | No | Yes |
| `USER_LANGUAGE` | User speaks unsupported language. | Yes | Yes |
| `USER_NO_ID` | User has currently no ID card available. | No | Yes |
| `USER_STARTED_NEW_REQUEST` | User has started another ident attempt from different channel (web/app). | No | Yes |
| `USER_WRONG_PERSON` | The person of application and identification do not match. For example, husband has opened bank account, but wife is in the identification call. No suspicion of fraud. | No | Yes |
| `VIDEO_ENVIRONMENT` | User is not in ideal conditions to perform the video call. | No | Yes |
| `VIDEO_OTHER` | Any other problem with video not covered by other reasons. | No | Yes |
| `WRONG_PHONE_NUMBER` | Only for eSigning. User entered wrong phone number. | No | Yes |
"#;

fn flag(cell: &str) -> Option<bool> {
    match cell.trim() {
        "Yes" => Some(true),
        "No" => Some(false),
        _ => None,
    }
}

fn parse(line: &'static str) -> Option<Reason> {
    let cells: Vec<&'static str> = line.trim().trim_matches('|').split(" | ").collect();
    let [code, description, permanent, caused] = cells[..] else {
        return None;
    };
    Some(Reason {
        code: code.trim().trim_matches('`'),
        description: description.trim(),
        permanent: flag(permanent)?,
        caused_by_user: flag(caused),
    })
}

/// Every row of the table, in the guide's order.
pub fn all() -> impl Iterator<Item = Reason> {
    TABLE.lines().filter_map(parse)
}

/// The row of a code the guide lists.
pub fn lookup(code: &str) -> Option<Reason> {
    all().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_guide_parses() {
        assert_eq!(all().count(), 59);
        assert_eq!(TABLE.lines().filter(|l| !l.trim().is_empty()).count(), 59);
        let r = lookup("OTHER_MISCELLANEOUS_PERMANENT").unwrap();
        assert!(r.permanent);
        assert_eq!(r.caused_by_user, None);
        assert_eq!(
            lookup("INCORRECT_ID_NUMBER").unwrap().caused_by_user,
            Some(false)
        );
    }
}
