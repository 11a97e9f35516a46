"""Files of hosted pages: a pdf code's document and an image-carousel code's images, uploaded
through `/v1/codes/{id}/pdf-file` and `/v1/codes/{id}/image-file`, stored in PostgreSQL and
served without credentials by `/v1/files/pdf/{id}` and `/v1/files/image/{id}/{index}`."""
