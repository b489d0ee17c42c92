-- wrk script of bench/pdp/scale: every request posts a body drawn at random
-- from the file named by the first argument (one JSON body a line), with
-- the bearer token of the second argument, if any, to the URL's path.
function init(args)
  bodies = {}
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  headers = {["Content-Type"] = "application/json"}
  if args[2] and args[2] ~= "" then headers["Authorization"] = "Bearer " .. args[2] end
  math.randomseed(os.time() + #bodies + (id or 0))
end

function request()
  return wrk.format("POST", nil, headers, bodies[math.random(#bodies)])
end
