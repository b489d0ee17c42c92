-- wrk script: every request posts the next pre-made grant (a grant is good
-- once), the threads taking turns through the file named by the first
-- argument; the second is the number of threads (wrk -t).
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  step = tonumber(args[2])
  i = id + 1 - step
end

function request()
  i = i + step
  -- Past the end the first grant is sent again and refused (a non-2xx
  -- answer, which makes the run invalid); the script sizes the file.
  local body = bodies[i] or bodies[1]
  return wrk.format("POST", "/token", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
