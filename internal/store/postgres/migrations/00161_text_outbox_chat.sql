-- +goose Up
-- Replies to one chat go out in order: the sender asks for earlier unsent ones by chat.
CREATE INDEX text_outbox_chat ON text_outbox (channel, chat, id);

-- +goose Down
DROP INDEX text_outbox_chat;
