-- Written by the redirect service: scans taken from each capped code's scan cap, and the
-- answers posted to hosted form pages. The API reads both.

-- One row per capped code once it was scanned. The redirect service adds 1 per counted scan
-- in one statement that never lets `used` pass the code's max_scans, so the count is exact
-- across replicas; `used` is what the API shows as the cap's usage (analytics totals are
-- approximate). Raising or lowering max_scans keeps the count.
CREATE TABLE scan_caps (
    code_id    uuid PRIMARY KEY REFERENCES codes (id) ON DELETE CASCADE,
    used       bigint NOT NULL DEFAULT 0 CHECK (used >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Answers to a form page, as posted and validated against the form's fields at the time
-- (field id → text, number or boolean).
CREATE TABLE form_submissions (
    id           uuid PRIMARY KEY,
    code_id      uuid NOT NULL REFERENCES codes (id) ON DELETE CASCADE,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    answers      jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX form_submissions_code_created ON form_submissions (code_id, created_at DESC);
