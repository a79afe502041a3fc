-- The TOTP secret a setup link enrols is made by the server when the link is first opened and
-- kept here until the setup is confirmed; the form no longer sends it, so a client cannot
-- choose its own (all zeros, say). Cleared when the setup completes or a new link is made.
alter table staff add column setup_totp_secret text;
