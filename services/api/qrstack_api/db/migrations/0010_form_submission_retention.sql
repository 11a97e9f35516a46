-- Form answers past their retention (FORM_SUBMISSIONS_RETENTION_DAYS) are deleted by the API's
-- hourly purge, which finds them by age across every code.
CREATE INDEX form_submissions_created ON form_submissions (created_at);
