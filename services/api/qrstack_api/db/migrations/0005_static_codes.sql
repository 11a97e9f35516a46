-- Static codes encode their content in the image and have no short URL, so no slug.
ALTER TABLE codes ALTER COLUMN slug DROP NOT NULL;
