# Rendered by: gnuplot fig3.gp (run from this directory)
set terminal pngcairo size 1500,650 noenhanced font 'Sans,11'
set output 'fig3.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 2,3 title 'DFC Fig. 3: toy 15-10-10-5, quick scale, rolling mean over 30 epochs ± std; grey band: the y-range of the paper where the data leave it' margins 0.05,0.88,0.08,0.90 spacing 0.05,0.14
set xlabel 'Epoch'
set style fill transparent solid 0.1 noborder
unset key
set title 'A  Condition 2: ‖P Q‖_F / ‖Q‖_F, P the projector on row(J)'
set yrange [0.7:1]
set xrange [0:99]
unset object 1
plot 'fig3_smooth.csv' using 1:($14-$15):($14+$15) with filledcurves lc rgb '#8a2be2' notitle, \
     '' using 1:14 with lines lw 2 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     'fig3_smooth.csv' using 1:($6-$7):($6+$7) with filledcurves lc rgb '#8a2be2' notitle, \
     '' using 1:6 with lines lw 2 lc rgb '#8a2be2' title 'DFC-SSA', \
     'fig3_smooth.csv' using 1:($12-$13):($12+$13) with filledcurves lc rgb '#2ca02c' notitle, \
     '' using 1:12 with lines lw 2 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     'fig3_smooth.csv' using 1:($4-$5):($4+$5) with filledcurves lc rgb '#2ca02c' notitle, \
     '' using 1:4 with lines lw 2 lc rgb '#2ca02c' title 'DFC-SS', \
     'fig3_smooth.csv' using 1:($10-$11):($10+$11) with filledcurves lc rgb '#4169E1' notitle, \
     '' using 1:10 with lines lw 2 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     'fig3_smooth.csv' using 1:($2-$3):($2+$3) with filledcurves lc rgb '#4169E1' notitle, \
     '' using 1:2 with lines lw 2 lc rgb '#4169E1' title 'DFC'
set title 'C  Condition 1'
set yrange [0:0.45]
set xrange [0:99]
unset object 1
plot 'fig3_smooth.csv' using 1:($28-$29):($28+$29) with filledcurves lc rgb '#8a2be2' notitle, \
     '' using 1:28 with lines lw 2 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     'fig3_smooth.csv' using 1:($20-$21):($20+$21) with filledcurves lc rgb '#8a2be2' notitle, \
     '' using 1:20 with lines lw 2 lc rgb '#8a2be2' title 'DFC-SSA', \
     'fig3_smooth.csv' using 1:($26-$27):($26+$27) with filledcurves lc rgb '#2ca02c' notitle, \
     '' using 1:26 with lines lw 2 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     'fig3_smooth.csv' using 1:($18-$19):($18+$19) with filledcurves lc rgb '#2ca02c' notitle, \
     '' using 1:18 with lines lw 2 lc rgb '#2ca02c' title 'DFC-SS', \
     'fig3_smooth.csv' using 1:($24-$25):($24+$25) with filledcurves lc rgb '#4169E1' notitle, \
     '' using 1:24 with lines lw 2 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     'fig3_smooth.csv' using 1:($16-$17):($16+$17) with filledcurves lc rgb '#4169E1' notitle, \
     '' using 1:16 with lines lw 2 lc rgb '#4169E1' title 'DFC'
set title 'E  λ_max(A_PI)'
set yrange [-0.6:-0.4]
set xrange [0:99]
unset object 1
plot 'fig3_smooth.csv' using 1:($42-$43):($42+$43) with filledcurves lc rgb '#8a2be2' notitle, \
     '' using 1:42 with lines lw 2 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     'fig3_smooth.csv' using 1:($34-$35):($34+$35) with filledcurves lc rgb '#8a2be2' notitle, \
     '' using 1:34 with lines lw 2 lc rgb '#8a2be2' title 'DFC-SSA', \
     'fig3_smooth.csv' using 1:($40-$41):($40+$41) with filledcurves lc rgb '#2ca02c' notitle, \
     '' using 1:40 with lines lw 2 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     'fig3_smooth.csv' using 1:($32-$33):($32+$33) with filledcurves lc rgb '#2ca02c' notitle, \
     '' using 1:32 with lines lw 2 lc rgb '#2ca02c' title 'DFC-SS', \
     'fig3_smooth.csv' using 1:($38-$39):($38+$39) with filledcurves lc rgb '#4169E1' notitle, \
     '' using 1:38 with lines lw 2 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     'fig3_smooth.csv' using 1:($30-$31):($30+$31) with filledcurves lc rgb '#4169E1' notitle, \
     '' using 1:30 with lines lw 2 lc rgb '#4169E1' title 'DFC'
set title 'B  ∠(ΔW, ΔW^MN) [°]'
set yrange [0:70]
set xrange [0:99]
unset object 1
set key at screen 0.995,0.5 right center vertical font ',10' samplen 2 spacing 1.3
plot 'fig3_smooth.csv' using 1:($50-$51):($50+$51) with filledcurves lc rgb '#d62728' notitle, \
     '' using 1:50 with lines lw 2 lc rgb '#d62728' title 'DFA', \
     'fig3_smooth.csv' using 1:($56-$57):($56+$57) with filledcurves lc rgb '#8a2be2' notitle, \
     '' using 1:56 with lines lw 2 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     'fig3_smooth.csv' using 1:($48-$49):($48+$49) with filledcurves lc rgb '#8a2be2' notitle, \
     '' using 1:48 with lines lw 2 lc rgb '#8a2be2' title 'DFC-SSA', \
     'fig3_smooth.csv' using 1:($54-$55):($54+$55) with filledcurves lc rgb '#2ca02c' notitle, \
     '' using 1:54 with lines lw 2 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     'fig3_smooth.csv' using 1:($46-$47):($46+$47) with filledcurves lc rgb '#2ca02c' notitle, \
     '' using 1:46 with lines lw 2 lc rgb '#2ca02c' title 'DFC-SS', \
     'fig3_smooth.csv' using 1:($52-$53):($52+$53) with filledcurves lc rgb '#4169E1' notitle, \
     '' using 1:52 with lines lw 2 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     'fig3_smooth.csv' using 1:($44-$45):($44+$45) with filledcurves lc rgb '#4169E1' notitle, \
     '' using 1:44 with lines lw 2 lc rgb '#4169E1' title 'DFC'
unset key
set title 'D  ∠(ΔW, ΔW^GN) [°]'
set yrange [0:70]
set xrange [0:99]
unset object 1
plot 'fig3_smooth.csv' using 1:($64-$65):($64+$65) with filledcurves lc rgb '#d62728' notitle, \
     '' using 1:64 with lines lw 2 lc rgb '#d62728' title 'DFA', \
     'fig3_smooth.csv' using 1:($70-$71):($70+$71) with filledcurves lc rgb '#8a2be2' notitle, \
     '' using 1:70 with lines lw 2 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     'fig3_smooth.csv' using 1:($62-$63):($62+$63) with filledcurves lc rgb '#8a2be2' notitle, \
     '' using 1:62 with lines lw 2 lc rgb '#8a2be2' title 'DFC-SSA', \
     'fig3_smooth.csv' using 1:($68-$69):($68+$69) with filledcurves lc rgb '#2ca02c' notitle, \
     '' using 1:68 with lines lw 2 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     'fig3_smooth.csv' using 1:($60-$61):($60+$61) with filledcurves lc rgb '#2ca02c' notitle, \
     '' using 1:60 with lines lw 2 lc rgb '#2ca02c' title 'DFC-SS', \
     'fig3_smooth.csv' using 1:($66-$67):($66+$67) with filledcurves lc rgb '#4169E1' notitle, \
     '' using 1:66 with lines lw 2 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     'fig3_smooth.csv' using 1:($58-$59):($58+$59) with filledcurves lc rgb '#4169E1' notitle, \
     '' using 1:58 with lines lw 2 lc rgb '#4169E1' title 'DFC'
set title 'F  ∠(ΔW, ΔW^SSA) [°]'
set yrange [0:8]
set xrange [0:99]
unset object 1
plot 'fig3_smooth.csv' using 1:($82-$83):($82+$83) with filledcurves lc rgb '#2ca02c' notitle, \
     '' using 1:82 with lines lw 2 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     'fig3_smooth.csv' using 1:($74-$75):($74+$75) with filledcurves lc rgb '#2ca02c' notitle, \
     '' using 1:74 with lines lw 2 lc rgb '#2ca02c' title 'DFC-SS', \
     'fig3_smooth.csv' using 1:($80-$81):($80+$81) with filledcurves lc rgb '#4169E1' notitle, \
     '' using 1:80 with lines lw 2 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     'fig3_smooth.csv' using 1:($72-$73):($72+$73) with filledcurves lc rgb '#4169E1' notitle, \
     '' using 1:72 with lines lw 2 lc rgb '#4169E1' title 'DFC'
unset multiplot
