-- The documents IDnow accepts for the identification `supported_documents_for`, as Solaris
-- listed them (a JSON array), read once by the work queue right after the identification was
-- created. Null when Solaris could not say: the customer then chooses from the guide's
-- document types, since the list is an aid and no condition of the identification.
alter table application add column supported_documents text;
alter table application add column supported_documents_for text;
