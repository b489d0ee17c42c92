-- wrk script for the peer: a client_credentials request, the same every
-- time (the peer checks nothing).
wrk.method = "POST"
wrk.path = "/token"
wrk.body = "grant_type=client_credentials&scope=bench%3Aload.test"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic Y2xpZW50OnNlY3JldA=="
