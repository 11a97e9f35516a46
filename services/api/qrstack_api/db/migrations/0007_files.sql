-- Files uploaded to hosted pages: a pdf code's document and an image-carousel code's images.
-- They live in PostgreSQL so that every API replica serves them and a backup of the database
-- is a backup of the files.
--
-- A file is identified within its code by its key (`pdf/{code}/{id}.pdf`,
-- `images/{code}/{id}.jpg`), a fresh one per upload, and its content never changes. The code's
-- payload says which files the page shows and in which order (pdf: `fileKey`; carousel:
-- `images[i].fileKey`), so an image's index is its place in that list: reordering or deleting
-- re-indexes the page without moving any bytes, and the page and the public streams cannot
-- disagree. Files the payload no longer names are removed by the next file write.
CREATE TABLE code_files (
    code_id           uuid NOT NULL REFERENCES codes (id) ON DELETE CASCADE,
    file_key          text NOT NULL CHECK (length(file_key) BETWEEN 1 AND 255),
    media_type        text NOT NULL CHECK (media_type IN (
                          'application/pdf', 'image/jpeg', 'image/png', 'image/webp', 'image/gif')),
    size              integer NOT NULL CHECK (size > 0),
    sha256            bytea NOT NULL CHECK (length(sha256) = 32),
    original_filename text,
    content           bytea NOT NULL,
    uploaded_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (code_id, file_key),
    CHECK (octet_length(content) = size)
);
-- Uploads are compressed already (PDF streams, JPEG, PNG, WebP, GIF): storing them out of line
-- without compression saves futile CPU work, and lets `substring` read one chunk of a large
-- file without detoasting all of it (the streams send files in chunks).
ALTER TABLE code_files ALTER COLUMN content SET STORAGE EXTERNAL;
