package textcmd

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/job"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/textmsg"
)

// Sender delivers one text to a chat on its transport; replyTo is the message it answers (""
// for none), which a transport that can (Telegram) quotes.
type Sender interface {
	Send(ctx context.Context, chat, replyTo, body string) error
}

// WorkerConfig configures Run.
type WorkerConfig struct {
	// Node names this process in job leases.
	Node string
	// Workers is how many sends run at once; 0 means 4.
	Workers int
	// Lease is how long a claimed job stays this node's; 0 means 1 minute.
	Lease time.Duration
	// Poll is how often the queue is read when nothing woke the worker; 0 means 1 s.
	Poll time.Duration
	// RetryBase is the first retry's delay, doubled up to RetryMax (0: 2 s and 10 minutes).
	RetryBase, RetryMax time.Duration
	// MaxAge is how long a reply is tried before it is given up; 0 means 24 h.
	MaxAge time.Duration
}

func (c *WorkerConfig) defaults() {
	if c.Node == "" {
		c.Node = "text"
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.Lease <= 0 {
		c.Lease = time.Minute
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 2 * time.Second
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 10 * time.Minute
	}
	if c.MaxAge <= 0 {
		c.MaxAge = 24 * time.Hour
	}
}

// Run works the text queue until ctx ends: it turns settled orders' textfinal jobs into replies
// in the outbox, and sends the outbox through senders (by channel kind). A reply for a channel
// with no sender here waits (another node may run it) until MaxAge.
func (e *Engine) Run(ctx context.Context, senders map[string]Sender, cfg WorkerConfig) error {
	cfg.defaults()
	wake := e.svc.Subscribe() // settlements queue textfinal jobs
	sem := make(chan struct{}, cfg.Workers)
	var wg sync.WaitGroup
	defer wg.Wait()
	ticker := time.NewTicker(cfg.Poll)
	defer ticker.Stop()
	kinds := []string{job.TextFinal, job.TextSend}
	for {
		if free := cfg.Workers - len(sem); free > 0 {
			jobs, err := e.svc.ClaimJobs(ctx, cfg.Node, kinds, free, cfg.Lease)
			if err != nil && ctx.Err() == nil {
				e.log.Error("claim text jobs", "err", err)
			}
			for _, j := range jobs {
				sem <- struct{}{}
				wg.Add(1)
				go func(j job.Job) {
					defer func() { <-sem; wg.Done() }()
					e.work(context.WithoutCancel(ctx), j, senders, cfg)
				}(j)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		case <-wake:
		case <-e.wakes:
		}
	}
}

func (e *Engine) work(ctx context.Context, j job.Job, senders map[string]Sender, cfg WorkerConfig) {
	var err error
	if j.Kind == job.TextFinal {
		err = e.final(ctx, j)
	} else {
		err = e.send(ctx, j, senders, cfg)
	}
	if err == nil {
		return
	}
	if errors.Is(err, errWaitAccept) {
		// Handle queues the acceptance right after PlaceOrder returns: a short wait, not a backoff.
		if rerr := e.svc.RetryJob(ctx, j, e.svc.Now().Add(acceptPoll), err.Error()); rerr != nil {
			e.log.Error("text job retry", "job", j.ID, "err", rerr)
		}
		return
	}
	d := cfg.RetryBase
	for i := 1; i < j.Attempts && d < cfg.RetryMax; i++ {
		d *= 2
	}
	retryAt := e.svc.Now().Add(min(d, cfg.RetryMax))
	if rerr := e.svc.RetryJob(ctx, j, retryAt, err.Error()); rerr != nil {
		e.log.Error("text job retry", "job", j.ID, "err", rerr)
	}
}

// errWaitAccept delays an order's final answer until its acceptance is queued.
var errWaitAccept = errors.New("the order's acceptance is not queued yet")

// acceptPoll is how often a final answer looks again for its order's acceptance; acceptWait is
// how long after the order it stops waiting (Handle never queued one: it failed, or the order
// came through `kios text`, which answers on the terminal).
const (
	acceptPoll = 100 * time.Millisecond
	acceptWait = 30 * time.Second
)

// final writes a settled order's final answer into the outbox, for the chat it came from, after
// the order's acceptance: an instant supplier settles an order before Handle, which queues the
// acceptance once PlaceOrder returns, has done so, and replies go out in the order queued.
func (e *Engine) final(ctx context.Context, j job.Job) error {
	o, err := e.svc.OrderByID(ctx, j.OrderID)
	if errors.Is(err, order.ErrNotFound) {
		return e.svc.EndJob(ctx, j.ID)
	}
	if err != nil {
		return err
	}
	to, err := e.svc.TextOrderByOrderID(ctx, o.ID)
	if errors.Is(err, core.ErrNotFound) {
		// Not taken through a chat (a text-dialect order from elsewhere): nowhere to answer.
		return e.svc.EndJob(ctx, j.ID)
	}
	if err != nil {
		return err
	}
	if to.MessageID != "" && e.svc.Now().Sub(o.CreatedAt) < acceptWait {
		accepted, err := e.svc.TextAnswered(ctx, to.Channel, to.Chat, to.MessageID)
		if err != nil {
			return err
		}
		if !accepted {
			return errWaitAccept
		}
	}
	bal, err := e.svc.Balance(ctx, o.ResellerID)
	if err != nil {
		return err
	}
	body := FinalAnswer(o, bal)
	err = e.svc.EndTextFinal(ctx, j.ID, textmsg.Outbox{Channel: to.Channel, Chat: to.Chat, ReplyTo: to.MessageID, Body: body})
	if err == nil {
		e.wake()
	}
	return err
}

// errWaitEarlier delays a reply until the earlier ones to its chat are sent.
var errWaitEarlier = errors.New("an earlier reply to this chat is not sent yet")

// send delivers one outbox reply, after every earlier reply to the same chat.
func (e *Engine) send(ctx context.Context, j job.Job, senders map[string]Sender, cfg WorkerConfig) error {
	m, err := e.svc.TextOutboxByID(ctx, j.OrderID)
	if errors.Is(err, core.ErrNotFound) || (err == nil && !m.SentAt.IsZero()) {
		return e.svc.EndJob(ctx, j.ID)
	}
	if err != nil {
		return err
	}
	if earlier, err := e.svc.TextOutboxEarlierUnsent(ctx, m); err != nil || earlier {
		if err == nil {
			err = errWaitEarlier
		}
		return err
	}
	s := senders[m.Channel]
	if s == nil {
		err = fmt.Errorf("channel %s not running here", m.Channel)
	} else {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = s.Send(sctx, m.Chat, m.ReplyTo, m.Body)
		cancel()
	}
	if err != nil && e.svc.Now().Sub(m.CreatedAt) < cfg.MaxAge {
		e.log.Warn("text reply not sent; will retry", "via", m.Channel, "chat", m.Chat, "reply", m.ID, "err", err)
		return err
	}
	errText := ""
	if err != nil {
		errText = err.Error()
		e.log.Error("text reply abandoned", "via", m.Channel, "chat", m.Chat, "reply", m.ID, "err", err)
	}
	return e.svc.EndTextSend(ctx, j.ID, m.ID, errText)
}
