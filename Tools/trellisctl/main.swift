// trellisctl: the admin CLI; its commands arrive in the next commit.
import Foundation
FileHandle.standardError.write(Data("trellisctl: not built yet\n".utf8))
exit(1)
