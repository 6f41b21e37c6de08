// TaskKit links FoundationEssentials where it exists (smaller, faster start-up) and Foundation elsewhere.
#if canImport(FoundationEssentials)
@_exported import FoundationEssentials
#else
@_exported import Foundation
#endif
