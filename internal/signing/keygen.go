package signing

import "sync"

// Keygen makes a new set of signing keys ahead of New, so that on a fresh
// database the key generation (a good part of a fresh start) runs beside
// the database's own start instead of after it. Its keys are handed to
// one service only: a second New with the same Keygen makes its own.
type Keygen struct {
	alg  string
	done chan struct{}
	keys map[string]madeKey // by purpose; read only after done

	mu    sync.Mutex
	taken bool
}

type madeKey struct {
	k   *signingKey
	raw []byte
	err error
}

// StartKeygen starts making one key per purpose for alg (RS256 or ES256).
func StartKeygen(alg string) *Keygen {
	g := &Keygen{alg: alg, done: make(chan struct{}), keys: make(map[string]madeKey, len(purposes))}
	go func() {
		defer close(g.done)
		made := make([]madeKey, len(purposes))
		var wg sync.WaitGroup
		for i, p := range purposes {
			wg.Go(func() {
				k, raw, err := generateKey(p, alg)
				made[i] = madeKey{k, raw, err}
			})
		}
		wg.Wait()
		for i, p := range purposes {
			g.keys[p] = made[i]
		}
	}()
	return g
}

// take hands over the keys, once, when they are for alg; ok is false
// otherwise (nil Keygen, another alg, already taken).
func (g *Keygen) take(alg string) (keys map[string]madeKey, ok bool) {
	if g == nil || g.alg != alg {
		return nil, false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.taken {
		return nil, false
	}
	g.taken = true
	<-g.done
	return g.keys, true
}
