import Bioflax
import DFC
import Experiments
import GAIT
import League
import LRAE
import WideAlign

/// The papers the tool knows, one per Reproductions/ target.
public enum PaperRegistry {
  public static let lra = LRAE.lra
  public static let bioflax = Bioflax.bioflax
  public static let gait = GAIT.gait
  public static let align = WideAlign.align
  public static let dfc = DFC.dfc
  public static let league = League.league
}
