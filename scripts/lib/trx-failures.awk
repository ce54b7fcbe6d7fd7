# Prints each failed test of a .trx file with its message and the top of its stack trace, so the last lines of a CI log
# name what failed (the console logger prints failures mid-stream, far above the summary a CI tail shows).
function unescape(s) {
  gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "'", s)
  gsub(/&#xD;/, "", s); gsub(/&#xA;/, "\n", s); gsub(/&amp;/, "\\&", s); return s
}
/<UnitTestResult / && /outcome="(Failed|Error)"/ {
  match($0, /testName="[^"]*"/); print "FAILED " unescape(substr($0, RSTART + 10, RLENGTH - 11))
  failed = 1; next
}
failed && /<\/UnitTestResult>/ { failed = 0; section = ""; next }
failed && /<Message>/ { section = "message"; budget = 40 }
failed && /<StackTrace>/ { section = "stack"; budget = 6 }
failed && section != "" {
  line = $0; sub(/^ *<(Message|StackTrace)>/, "", line); closing = (line ~ /<\/(Message|StackTrace)>/)
  sub(/<\/(Message|StackTrace)>.*/, "", line)
  if (budget-- > 0) print "    " unescape(line); else if (budget == -1) print "    ..."
  if (closing) section = ""
}
