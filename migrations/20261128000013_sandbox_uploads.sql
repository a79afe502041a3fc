-- Documents a partner uploads to the sandbox (`POST /v1/persons/{id}/documents`, or
-- `…/identifications/{id}/document_upload`) keep their bytes here, base64; the generated
-- documents of a successful identification leave it null and are rendered on download.
-- `identification_id` is empty for a document uploaded to the person alone.
alter table sandbox_document add column content text;
